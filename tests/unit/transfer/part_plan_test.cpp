#include "transfer/s3/part_plan.hpp"

#include <gtest/gtest.h>

#include <numeric>

namespace ts = shiftsync::transfer::s3;
using ts::mib;

TEST(upload_part_size, keeps_the_preferred_size_when_it_fits_ten_thousand_parts) {
    EXPECT_EQ(ts::upload_part_size(1024 * mib, 8 * mib), 8 * mib);
    EXPECT_EQ(ts::upload_part_size(0, 8 * mib), 8 * mib);
}

TEST(upload_part_size, clamps_to_s3_limits) {
    EXPECT_EQ(ts::upload_part_size(100 * mib, 1), ts::min_part_size);
    EXPECT_EQ(ts::upload_part_size(100 * mib, std::uint64_t{10} << 40), ts::max_part_size);
}

TEST(upload_part_size, grows_so_a_large_object_needs_at_most_ten_thousand_parts) {
    for (std::uint64_t size : {std::uint64_t{80'000} * mib + 1, std::uint64_t{1} << 40, ts::max_object_size}) {
        std::uint64_t part = ts::upload_part_size(size, 8 * mib);
        EXPECT_LE(ts::part_count(size, part), ts::max_parts) << size;
        EXPECT_EQ(part % mib, 0u);
        EXPECT_LE(part, ts::max_part_size);
    }
    // Exactly 10,000 parts of 8 MiB still fit.
    EXPECT_EQ(ts::upload_part_size(10'000 * 8 * mib, 8 * mib), 8 * mib);
    EXPECT_EQ(ts::upload_part_size(10'000 * 8 * mib + 1, 8 * mib), 9 * mib);
}

TEST(part_count, counts_a_short_last_part) {
    EXPECT_EQ(ts::part_count(0, 8), 0u);
    EXPECT_EQ(ts::part_count(1, 8), 1u);
    EXPECT_EQ(ts::part_count(8, 8), 1u);
    EXPECT_EQ(ts::part_count(9, 8), 2u);
}

TEST(streaming_part_size, doubles_every_thousand_parts_and_reaches_five_tib_within_the_limit) {
    EXPECT_EQ(ts::streaming_part_size(1, 8 * mib), 8 * mib);
    EXPECT_EQ(ts::streaming_part_size(1000, 8 * mib), 8 * mib);
    EXPECT_EQ(ts::streaming_part_size(1001, 8 * mib), 16 * mib);
    EXPECT_EQ(ts::streaming_part_size(2001, 8 * mib), 32 * mib);
    std::uint64_t total = 0;
    for (std::uint64_t n = 1; n <= ts::max_parts; ++n) {
        std::uint64_t size = ts::streaming_part_size(n, 8 * mib);
        EXPECT_LE(size, ts::max_part_size);
        EXPECT_GE(size, ts::min_part_size);
        total += size;
    }
    EXPECT_GE(total, ts::max_object_size);
}

TEST(size_transfers, follows_the_throughput_target_and_the_memory_limit) {
    auto s = ts::size_transfers(10.0, 256 * mib, 8 * mib, std::nullopt);
    EXPECT_EQ(s.connections, 25u);  // 10 Gbit/s at 0.4 Gbit/s per connection
    EXPECT_EQ(s.requests_in_flight, 100u);
    EXPECT_EQ(s.parts_in_memory, 32u);
    EXPECT_EQ(ts::size_transfers(1.0, 64 * mib, 8 * mib, std::nullopt).connections, 10u);  // the floor
    auto fixed = ts::size_transfers(10.0, 64 * mib, 8 * mib, 7);
    EXPECT_EQ(fixed.connections, 7u);
    EXPECT_EQ(fixed.requests_in_flight, 7u);
}

TEST(download_ranges, follow_stored_parts_when_they_cover_the_object) {
    auto r = ts::download_ranges(13, 4, {5, 5, 3}, 64);
    ASSERT_EQ(r.size(), 3u);
    EXPECT_EQ(r[1].first, 5u);
    EXPECT_EQ(r[1].length, 5u);
    EXPECT_EQ(r[2].length, 3u);
}

TEST(download_ranges, fall_back_to_fixed_ranges) {
    for (auto parts : {std::vector<std::uint64_t>{}, std::vector<std::uint64_t>{5, 5}, std::vector<std::uint64_t>{100, 3}}) {
        auto r = ts::download_ranges(103, 10, parts, 64);
        ASSERT_EQ(r.size(), 11u);
        EXPECT_EQ(r.back().first, 100u);
        EXPECT_EQ(r.back().length, 3u);
        std::uint64_t sum = 0;
        for (auto& x : r) sum += x.length;
        EXPECT_EQ(sum, 103u);
    }
    EXPECT_TRUE(ts::download_ranges(0, 10, {}, 64).empty());
}
