#pragma once
// The decision "retry this attempt, and after how long?" of the AWS standard retry mode, pure:
// the caller owns the quota and supplies the random number and the server's Retry-After hint.

#include "engine/retry/backoff.hpp"
#include "engine/retry/failure_kind.hpp"
#include "engine/retry/retry_quota.hpp"

#include <chrono>
#include <optional>
#include <string_view>

namespace shiftsync::engine {

struct retry_config {
    int max_attempts = 3;  // attempts in total, the first one included
    backoff_config backoff{};
    // A server's Retry-After / x-amz-retry-after replaces the jittered delay, up to this bound
    // (a hostile or buggy hint must not park a transfer for an hour).
    std::chrono::milliseconds max_retry_after{20000};
};

struct retry_decision {
    bool retry = false;
    std::chrono::milliseconds delay{0};
    int quota_taken = 0;  // hand back to retry_quota::on_success if the retried attempt succeeds
};

// `attempt` counts from 1 (the attempt that just failed). `unit_random` is in [0, 1).
retry_decision decide_retry(const retry_config& config, retry_quota& quota, int attempt, failure_kind kind,
                            std::optional<std::chrono::milliseconds> retry_after, double unit_random);

// Retry-After in its delay-seconds form ("120"). The HTTP-date form is not honoured (AWS services send
// seconds); it yields nullopt and the jittered backoff applies.
std::optional<std::chrono::milliseconds> parse_retry_after_seconds(std::string_view value);

// x-amz-retry-after: milliseconds.
std::optional<std::chrono::milliseconds> parse_retry_after_millis(std::string_view value);

}  // namespace shiftsync::engine
