#include "engine/retry/retry_policy.hpp"

#include <algorithm>
#include <charconv>

namespace shiftsync::engine {

retry_decision decide_retry(const retry_config& config, retry_quota& quota, int attempt, failure_kind kind,
                            std::optional<std::chrono::milliseconds> retry_after, double unit_random) {
    if (!is_retryable(kind) || attempt >= config.max_attempts) return {};
    const int taken = quota.try_acquire(kind);
    if (taken == 0) return {};
    const auto delay = retry_after ? std::min(*retry_after, config.max_retry_after)
                                   : full_jitter_delay(config.backoff, attempt - 1, unit_random);
    return {.retry = true, .delay = delay, .quota_taken = taken};
}

namespace {
std::optional<long long> parse_non_negative(std::string_view value) {
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
    long long number = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
    if (ec != std::errc{} || end != value.data() + value.size() || number < 0) return std::nullopt;
    return number;
}
}  // namespace

std::optional<std::chrono::milliseconds> parse_retry_after_seconds(std::string_view value) {
    const auto seconds = parse_non_negative(value);
    if (!seconds || *seconds > 24 * 3600) return std::nullopt;
    return std::chrono::seconds{*seconds};
}

std::optional<std::chrono::milliseconds> parse_retry_after_millis(std::string_view value) {
    const auto millis = parse_non_negative(value);
    if (!millis || *millis > 24LL * 3600 * 1000) return std::nullopt;
    return std::chrono::milliseconds{*millis};
}

}  // namespace shiftsync::engine
