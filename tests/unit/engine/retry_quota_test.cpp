#include "engine/retry/retry_quota.hpp"

#include <gtest/gtest.h>

using namespace shiftsync::engine;

TEST(retry_quota, starts_full_and_charges_5_per_retry_and_10_per_timeout) {
    retry_quota quota;
    EXPECT_EQ(quota.available(), 500);
    EXPECT_EQ(quota.try_acquire(failure_kind::transient), 5);
    EXPECT_EQ(quota.try_acquire(failure_kind::throttling), 5);
    EXPECT_EQ(quota.try_acquire(failure_kind::timeout), 10);
    EXPECT_EQ(quota.available(), 480);
}

TEST(retry_quota, non_retryable_outcomes_cost_nothing_and_are_refused) {
    retry_quota quota;
    EXPECT_EQ(quota.try_acquire(failure_kind::fatal), 0);
    EXPECT_EQ(quota.try_acquire(failure_kind::none), 0);
    EXPECT_EQ(quota.available(), 500);
}

TEST(retry_quota, runs_dry_after_100_retries_and_then_refuses) {
    retry_quota quota;
    for (int i = 0; i < 100; ++i) ASSERT_EQ(quota.try_acquire(failure_kind::transient), 5) << i;
    EXPECT_EQ(quota.available(), 0);
    EXPECT_EQ(quota.try_acquire(failure_kind::transient), 0);
    EXPECT_EQ(quota.available(), 0);
}

TEST(retry_quota, a_timeout_needs_ten_tokens_even_when_five_remain) {
    retry_quota quota({.capacity = 5});
    EXPECT_EQ(quota.try_acquire(failure_kind::timeout), 0);
    EXPECT_EQ(quota.try_acquire(failure_kind::transient), 5);
}

TEST(retry_quota, success_refunds_one_or_what_the_last_retry_took) {
    retry_quota quota;
    const int taken = quota.try_acquire(failure_kind::timeout);
    quota.try_acquire(failure_kind::transient);
    EXPECT_EQ(quota.available(), 485);
    quota.on_success(taken);
    EXPECT_EQ(quota.available(), 495);
    quota.on_success(0);
    EXPECT_EQ(quota.available(), 496);
}

TEST(retry_quota, refunds_never_exceed_capacity) {
    retry_quota quota;
    for (int i = 0; i < 10; ++i) quota.on_success(0);
    EXPECT_EQ(quota.available(), 500);
}
