#include "engine/metrics/latency_histogram.hpp"

#include <algorithm>
#include <cmath>

namespace shiftsync::engine {

namespace {
constexpr double first_bound_ns = 1000.0;  // 1 us
constexpr double growth = 1.04;
const double log_growth = std::log(growth);

std::size_t bucket_of(double ns, std::size_t bucket_count) {
    if (ns <= first_bound_ns) return 0;
    const auto index = static_cast<std::size_t>(std::ceil(std::log(ns / first_bound_ns) / log_growth));
    return std::min(index, bucket_count - 1);
}

double upper_bound_ns(std::size_t bucket) {
    return first_bound_ns * std::pow(growth, static_cast<double>(bucket));
}
}  // namespace

void latency_histogram::record(std::chrono::nanoseconds latency) {
    const auto ns = std::max<std::int64_t>(latency.count(), 0);
    ++buckets_[bucket_of(static_cast<double>(ns), bucket_count)];
    ++count_;
    max_ = std::max(max_, std::chrono::nanoseconds{ns});
}

std::chrono::nanoseconds latency_histogram::quantile(double q) const {
    if (count_ == 0) return std::chrono::nanoseconds{0};
    const auto rank = static_cast<std::uint64_t>(std::ceil(std::clamp(q, 0.0, 1.0) * static_cast<double>(count_)));
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < bucket_count; ++i) {
        seen += buckets_[i];
        if (seen >= std::max<std::uint64_t>(rank, 1)) {
            if (i == bucket_count - 1) return max_;  // the overflow bucket has no upper bound
            const auto bound = std::chrono::nanoseconds{static_cast<std::int64_t>(upper_bound_ns(i))};
            return std::min(bound, max_);  // never report more than was seen
        }
    }
    return max_;
}

}  // namespace shiftsync::engine
