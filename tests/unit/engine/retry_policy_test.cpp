#include "engine/retry/retry_policy.hpp"

#include <gtest/gtest.h>

using namespace shiftsync::engine;
using std::chrono::milliseconds;

namespace {
retry_config small_config() {
    return {.max_attempts = 3,
            .backoff = {.base = milliseconds{100}, .cap = milliseconds{1000}},
            .max_retry_after = milliseconds{5000}};
}
}  // namespace

TEST(retry_policy, retries_retryable_failures_until_max_attempts) {
    retry_quota quota;
    const auto config = small_config();
    EXPECT_TRUE(decide_retry(config, quota, 1, failure_kind::transient, std::nullopt, 0.5).retry);
    EXPECT_TRUE(decide_retry(config, quota, 2, failure_kind::throttling, std::nullopt, 0.5).retry);
    EXPECT_FALSE(decide_retry(config, quota, 3, failure_kind::transient, std::nullopt, 0.5).retry);
}

TEST(retry_policy, never_retries_success_or_fatal) {
    retry_quota quota;
    EXPECT_FALSE(decide_retry(small_config(), quota, 1, failure_kind::none, std::nullopt, 0.5).retry);
    EXPECT_FALSE(decide_retry(small_config(), quota, 1, failure_kind::fatal, std::nullopt, 0.5).retry);
    EXPECT_EQ(quota.available(), 500);
}

TEST(retry_policy, delay_is_jittered_within_the_backoff_ceiling_of_that_retry) {
    retry_quota quota;
    const auto first = decide_retry(small_config(), quota, 1, failure_kind::transient, std::nullopt, 0.999);
    const auto second = decide_retry(small_config(), quota, 2, failure_kind::transient, std::nullopt, 0.999);
    EXPECT_LT(first.delay, milliseconds{100});
    EXPECT_GE(first.delay, milliseconds{99});
    EXPECT_LT(second.delay, milliseconds{200});
    EXPECT_GE(second.delay, milliseconds{199});
}

TEST(retry_policy, retry_after_replaces_the_backoff_but_is_bounded) {
    retry_quota quota;
    EXPECT_EQ(decide_retry(small_config(), quota, 1, failure_kind::throttling, milliseconds{1500}, 0.1).delay,
              milliseconds{1500});
    EXPECT_EQ(decide_retry(small_config(), quota, 1, failure_kind::throttling, milliseconds{60000}, 0.1).delay,
              milliseconds{5000});
}

TEST(retry_policy, an_empty_quota_stops_retries_and_reports_what_was_taken) {
    retry_quota quota({.capacity = 12});
    const auto timeout = decide_retry(small_config(), quota, 1, failure_kind::timeout, std::nullopt, 0.5);
    EXPECT_TRUE(timeout.retry);
    EXPECT_EQ(timeout.quota_taken, 10);
    EXPECT_FALSE(decide_retry(small_config(), quota, 1, failure_kind::transient, std::nullopt, 0.5).retry);
}

TEST(retry_after, parses_delay_seconds_and_millis) {
    EXPECT_EQ(parse_retry_after_seconds("3"), milliseconds{3000});
    EXPECT_EQ(parse_retry_after_seconds(" 0 "), milliseconds{0});
    EXPECT_EQ(parse_retry_after_millis("250"), milliseconds{250});
    EXPECT_FALSE(parse_retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT"));
    EXPECT_FALSE(parse_retry_after_seconds("-1"));
    EXPECT_FALSE(parse_retry_after_seconds(""));
    EXPECT_FALSE(parse_retry_after_seconds("1.5"));
}
