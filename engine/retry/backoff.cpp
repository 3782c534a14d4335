#include "engine/retry/backoff.hpp"

#include <algorithm>

namespace shiftsync::engine {

std::chrono::milliseconds backoff_ceiling(const backoff_config& config, int retry_index) {
    const auto cap = config.cap.count();
    auto ceiling = config.base.count();
    // Doubling stops as soon as the cap is reached, so a large retry index cannot overflow.
    for (int i = 0; i < retry_index && ceiling < cap; ++i) ceiling *= 2;
    return std::chrono::milliseconds{std::clamp<long long>(ceiling, 0, cap)};
}

std::chrono::milliseconds full_jitter_delay(const backoff_config& config, int retry_index, double unit_random) {
    const double clamped = std::clamp(unit_random, 0.0, 1.0);
    const auto ceiling = static_cast<double>(backoff_ceiling(config, retry_index).count());
    auto delay = static_cast<long long>(clamped * ceiling);
    if (delay >= ceiling && ceiling > 0) delay = static_cast<long long>(ceiling) - 1;  // keep [0, ceiling)
    return std::chrono::milliseconds{delay};
}

}  // namespace shiftsync::engine
