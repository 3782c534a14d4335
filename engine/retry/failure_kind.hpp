#pragma once
// How one attempt ended, as far as retrying is concerned. The engine's default classifier fills it
// from transport errors and HTTP status; the aws/ layer installs a classifier that also reads AWS
// error codes (e.g. S3's 503 SlowDown is throttling, not a transient fault).

#include <cstdint>
#include <string_view>

namespace shiftsync::engine {

enum class failure_kind : std::uint8_t {
    none,        // success, or a final answer that retrying cannot change (404, 403, ...)
    transient,   // connection reset, 500/502/503/504: try again after a backoff
    throttling,  // the service asked us to slow down: retry, and tell the rate limiter
    timeout,     // a deadline expired: retry, at a higher retry-quota cost
    fatal,       // never retry (bad request, verification failure, cancelled)
};

constexpr std::string_view to_string(failure_kind kind) {
    switch (kind) {
        case failure_kind::none:
            return "none";
        case failure_kind::transient:
            return "transient";
        case failure_kind::throttling:
            return "throttling";
        case failure_kind::timeout:
            return "timeout";
        case failure_kind::fatal:
            return "fatal";
    }
    return "unknown";
}

constexpr bool is_retryable(failure_kind kind) {
    return kind == failure_kind::transient || kind == failure_kind::throttling || kind == failure_kind::timeout;
}

}  // namespace shiftsync::engine
