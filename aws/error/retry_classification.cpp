#include "aws/error/retry_classification.hpp"

#include <array>

namespace shiftsync::aws {
namespace {

// The AWS SDKs' throttling codes, plus the Data API's ActiveStatementsExceededException: the
// account has too many statements running, which clears as they finish, exactly like a throttle.
constexpr std::array<std::string_view, 16> throttling_codes = {
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
    "ActiveStatementsExceededException",
    "ActiveSessionsExceededException",
};

constexpr std::array<std::string_view, 6> transient_codes = {
    "RequestTimeout", "RequestTimeoutException", "InternalError", "InternalFailure", "ServiceUnavailable",
    "IDPCommunicationError",
};

constexpr std::array<std::string_view, 4> expired_codes = {"ExpiredToken", "ExpiredTokenException",
                                                           "RequestExpired", "TokenRefreshRequired"};

template <std::size_t N>
bool contains(const std::array<std::string_view, N>& list, std::string_view code) {
    for (auto c : list)
        if (c == code) return true;
    return false;
}

}  // namespace

bool is_throttling_code(std::string_view aws_code) { return contains(throttling_codes, aws_code); }
bool is_transient_code(std::string_view aws_code) { return contains(transient_codes, aws_code); }

retry_kind classify_aws_error(unsigned http_status, std::string_view aws_code) {
    if (http_status == 0) return retry_kind::transient;
    if (is_throttling_code(aws_code) || http_status == 429) return retry_kind::throttling;
    if (contains(expired_codes, aws_code)) return retry_kind::refresh_credentials;
    if (is_transient_code(aws_code)) return retry_kind::transient;
    if (http_status == 500 || http_status == 502 || http_status == 503 || http_status == 504)
        return retry_kind::transient;
    return retry_kind::none;
}

}  // namespace shiftsync::aws
