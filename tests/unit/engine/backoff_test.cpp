#include "engine/retry/backoff.hpp"

#include <gtest/gtest.h>

using namespace shiftsync::engine;
using std::chrono::milliseconds;

TEST(backoff, ceiling_doubles_from_base_until_the_cap) {
    const backoff_config config{.base = milliseconds{100}, .cap = milliseconds{1000}};
    EXPECT_EQ(backoff_ceiling(config, 0), milliseconds{100});
    EXPECT_EQ(backoff_ceiling(config, 1), milliseconds{200});
    EXPECT_EQ(backoff_ceiling(config, 3), milliseconds{800});
    EXPECT_EQ(backoff_ceiling(config, 4), milliseconds{1000});
    EXPECT_EQ(backoff_ceiling(config, 1000), milliseconds{1000});  // no overflow
}

TEST(backoff, full_jitter_spans_zero_to_just_below_the_ceiling) {
    const backoff_config config{.base = milliseconds{100}, .cap = milliseconds{20000}};
    for (int retry = 0; retry < 12; ++retry) {
        const auto ceiling = backoff_ceiling(config, retry);
        EXPECT_EQ(full_jitter_delay(config, retry, 0.0), milliseconds{0});
        EXPECT_LT(full_jitter_delay(config, retry, 0.999999), ceiling);
        EXPECT_GE(full_jitter_delay(config, retry, 0.999999), ceiling - milliseconds{1});
        EXPECT_EQ(full_jitter_delay(config, retry, 0.5), ceiling / 2);
    }
}

TEST(backoff, out_of_range_random_is_clamped) {
    const backoff_config config{.base = milliseconds{100}, .cap = milliseconds{400}};
    EXPECT_EQ(full_jitter_delay(config, 0, -3.0), milliseconds{0});
    EXPECT_LT(full_jitter_delay(config, 5, 7.0), milliseconds{400});
}

TEST(backoff, default_matches_the_sdks_standard_mode) {
    const backoff_config config{};
    EXPECT_EQ(backoff_ceiling(config, 0), milliseconds{1000});
    EXPECT_EQ(backoff_ceiling(config, 10), milliseconds{20000});
}
