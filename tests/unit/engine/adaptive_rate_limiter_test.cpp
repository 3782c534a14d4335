#include "engine/retry/adaptive_rate_limiter.hpp"
#include "engine/retry/rate_limiter_set.hpp"

#include <gtest/gtest.h>

using namespace shiftsync::engine;
using namespace std::chrono_literals;
using clock_type = adaptive_rate_limiter::clock;

namespace {
// A fake clock: a fixed origin plus whatever the test advances.
struct fake_clock {
    clock_type::time_point now{std::chrono::hours(1000)};
    void advance(clock_type::duration d) { now += d; }
};

// Sends `rate` requests per second for `seconds`, none throttled, acquiring each first.
void send_steadily(adaptive_rate_limiter& limiter, fake_clock& clock, int rate, int seconds) {
    const auto gap = std::chrono::duration_cast<clock_type::duration>(1s) / rate;
    for (int i = 0; i < rate * seconds; ++i) {
        clock.advance(gap + limiter.acquire(clock.now));
        limiter.on_response(clock.now, false);
    }
}

double seconds_of(clock_type::duration d) {
    return std::chrono::duration<double>(d).count();
}
}  // namespace

TEST(adaptive_rate_limiter, is_unlimited_until_the_first_throttle) {
    fake_clock clock;
    adaptive_rate_limiter limiter(clock.now);
    for (int i = 0; i < 10000; ++i) EXPECT_EQ(limiter.acquire(clock.now), clock_type::duration::zero());
    send_steadily(limiter, clock, 50, 2);
    EXPECT_FALSE(limiter.enabled());
}

TEST(adaptive_rate_limiter, a_throttle_cuts_the_rate_to_beta_times_the_measured_rate) {
    fake_clock clock;
    adaptive_rate_limiter limiter(clock.now);
    send_steadily(limiter, clock, 20, 5);
    EXPECT_NEAR(limiter.measured_rate(), 20.0, 1.0);
    limiter.on_response(clock.now, true);
    EXPECT_TRUE(limiter.enabled());
    EXPECT_NEAR(limiter.fill_rate(), 0.7 * 20.0, 1.0);
}

TEST(adaptive_rate_limiter, once_enabled_callers_are_spaced_at_the_fill_rate) {
    fake_clock clock;
    adaptive_rate_limiter limiter(clock.now);
    send_steadily(limiter, clock, 20, 5);
    limiter.on_response(clock.now, true);
    const double rate = limiter.fill_rate();
    // A burst of callers at the same instant: each waits one more token's worth than the previous.
    clock_type::duration previous{};
    for (int i = 0; i < 30; ++i) {
        const auto wait = limiter.acquire(clock.now);
        EXPECT_GE(wait, previous);
        previous = wait;
    }
    EXPECT_NEAR(seconds_of(previous), 30.0 / rate, 2.0 / rate);
}

TEST(adaptive_rate_limiter, repeated_throttles_keep_lowering_the_rate_to_the_floor) {
    fake_clock clock;
    adaptive_rate_limiter limiter(clock.now);
    send_steadily(limiter, clock, 20, 3);
    double last = 1e9;
    for (int i = 0; i < 40; ++i) {
        clock.advance(100ms);
        limiter.on_response(clock.now, true);
        EXPECT_LE(limiter.fill_rate(), last + 1e-9);
        last = limiter.fill_rate();
    }
    EXPECT_DOUBLE_EQ(limiter.fill_rate(), 0.5);
}

TEST(adaptive_rate_limiter, recovers_along_the_cubic_curve_but_never_past_twice_the_measured_rate) {
    fake_clock clock;
    adaptive_rate_limiter limiter(clock.now);
    send_steadily(limiter, clock, 20, 5);
    limiter.on_response(clock.now, true);
    const double after_throttle = limiter.fill_rate();
    double previous = after_throttle;
    // Keep sending as fast as the limiter allows; the rate must climb monotonically.
    for (int i = 0; i < 400; ++i) {
        clock.advance(limiter.acquire(clock.now) + 10ms);
        limiter.on_response(clock.now, false);
        EXPECT_LE(limiter.fill_rate(), 2 * limiter.measured_rate() + 0.5 + 1e-9);
        if (i > 20) {
            EXPECT_GE(limiter.fill_rate() + 1e-9, previous * 0.999);
        }
        previous = limiter.fill_rate();
    }
    EXPECT_GT(limiter.fill_rate(), after_throttle);
}

TEST(rate_limiter_set, keeps_one_limiter_per_key) {
    fake_clock clock;
    rate_limiter_set set;
    auto& a = set.for_key("s3/bucket-a", clock.now);
    auto& b = set.for_key("s3/bucket-b", clock.now);
    EXPECT_NE(&a, &b);
    EXPECT_EQ(&a, &set.for_key("s3/bucket-a", clock.now));
    send_steadily(a, clock, 10, 2);
    a.on_response(clock.now, true);
    EXPECT_TRUE(a.enabled());
    EXPECT_FALSE(b.enabled());
    EXPECT_EQ(set.size(), 2u);
}

namespace {
// A limiter started at a published quota of `quota` requests/s (also its ceiling) at clock.now.
adaptive_rate_limiter started_at_quota(const fake_clock& clock, double quota) {
    adaptive_rate_limiter limiter(clock.now);
    limiter.start_at(clock.now, quota, quota);
    return limiter;
}
}  // namespace

TEST(AdaptiveRateLimiterPreset, StartsAtAQuotaNeverExceedsItAndRecoversToIt) {
    fake_clock clock;
    const auto t0 = clock.now;
    auto limiter = started_at_quota(clock, 20);
    EXPECT_TRUE(limiter.enabled());
    for (int i = 0; i < 20; ++i) EXPECT_EQ(limiter.acquire(t0), clock_type::duration::zero());  // a full bucket
    EXPECT_GT(limiter.acquire(t0), clock_type::duration::zero());                               // then 20/s
    // Successes never lift it past the ceiling, however long they go on.
    for (int i = 1; i <= 200; ++i) limiter.on_response(t0 + i * 50ms, false);
    EXPECT_LE(limiter.fill_rate(), 20.0);
    // A throttle cuts it; successes bring it back up to the ceiling, not beyond.
    limiter.on_response(t0 + 10s, true);
    EXPECT_LT(limiter.fill_rate(), 20.0);
    for (int i = 1; i <= 400; ++i) limiter.on_response(t0 + 10s + i * 50ms, false);
    EXPECT_DOUBLE_EQ(limiter.fill_rate(), 20.0);
}

// A client started at a published quota that sends little for a while (a statement every couple of
// seconds while its COPYs run) may still send a burst at the full quota: its bucket does not shrink
// to twice what it happened to send.
TEST(AdaptiveRateLimiterPreset, AQuietSpellDoesNotShrinkAQuotaBurst) {
    fake_clock clock;
    auto limiter = started_at_quota(clock, 30);
    for (int i = 0; i < 15; ++i) {
        clock.advance(2s);
        EXPECT_EQ(limiter.acquire(clock.now), clock_type::duration::zero());
        limiter.on_response(clock.now, false);
    }
    EXPECT_DOUBLE_EQ(limiter.fill_rate(), 30.0);
    clock.advance(1s);
    for (int i = 0; i < 29; ++i) EXPECT_EQ(limiter.acquire(clock.now), clock_type::duration::zero()) << "request " << i;
}
