#pragma once
// A fixed-size latency histogram with log-spaced buckets (about 4% wide, 1 us .. ~100 s): constant
// memory however many samples, and percentiles accurate to one bucket, which is all p50/p99 need.

#include <array>
#include <chrono>
#include <cstdint>

namespace shiftsync::engine {

class latency_histogram {
public:
    void record(std::chrono::nanoseconds latency);

    // q in [0, 1]; zero when empty. The upper bound of the bucket holding the q-quantile.
    std::chrono::nanoseconds quantile(double q) const;

    std::uint64_t count() const { return count_; }
    std::chrono::nanoseconds max() const { return max_; }

private:
    static constexpr std::size_t bucket_count = 480;
    std::array<std::uint64_t, bucket_count> buckets_{};
    std::uint64_t count_ = 0;
    std::chrono::nanoseconds max_{0};
};

}  // namespace shiftsync::engine
