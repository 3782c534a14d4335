#pragma once
// Which failures are worth another attempt, decided in one place for every AWS call. engine/'s
// retry loop asks this through its classification hook; the lists follow the AWS SDKs' "standard"
// retry mode.

#include <string_view>

namespace shiftsync::aws {

enum class retry_kind {
    none,                 // success, or a failure a retry cannot fix (AccessDenied, bad SQL, ...)
    transient,            // 500/502/503/504, RequestTimeout, InternalError, a dropped connection
    throttling,           // the service asks us to slow down: also feeds the adaptive rate limiter
    refresh_credentials,  // ExpiredToken: get fresh credentials, then retry once
};

// `http_status` 0 means no response arrived (connection reset, timeout): always transient.
retry_kind classify_aws_error(unsigned http_status, std::string_view aws_code);

bool is_throttling_code(std::string_view aws_code);
bool is_transient_code(std::string_view aws_code);

}  // namespace shiftsync::aws
