#include "transfer/s3/part_plan.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace shiftsync::transfer::s3 {

std::uint64_t upload_part_size(std::uint64_t object_size, std::uint64_t preferred) {
    std::uint64_t size = std::clamp(preferred, min_part_size, max_part_size);
    if (part_count(object_size, size) > max_parts) {
        std::uint64_t needed = (object_size + max_parts - 1) / max_parts;
        size = std::min(max_part_size, (needed + mib - 1) / mib * mib);
    }
    return size;
}

std::uint64_t part_count(std::uint64_t object_size, std::uint64_t part_size) {
    if (part_size == 0) return 0;
    return (object_size + part_size - 1) / part_size;
}

std::uint64_t streaming_part_size(std::uint64_t number, std::uint64_t first) {
    std::uint64_t size = std::clamp(first, min_part_size, max_part_size);
    for (std::uint64_t milestone = 1000; number > milestone && size < max_part_size; milestone += 1000)
        size = std::min(size * 2, max_part_size);
    return size;
}

sizing size_transfers(double target_gbit_per_s, std::uint64_t memory_limit, std::uint64_t part_size,
                      std::optional<std::size_t> concurrency_override) {
    constexpr double gbit_per_connection = 0.4;
    sizing out;
    double wanted = std::ceil(std::max(target_gbit_per_s, 0.0) / gbit_per_connection);
    out.connections = concurrency_override ? *concurrency_override
                                           : static_cast<std::size_t>(std::clamp(wanted, 10.0, 1000.0));
    out.connections = std::max<std::size_t>(out.connections, 1);
    out.requests_in_flight = concurrency_override ? out.connections : out.connections * 4;
    out.parts_in_memory = static_cast<std::size_t>(std::max<std::uint64_t>(1, memory_limit / std::max<std::uint64_t>(part_size, 1)));
    return out;
}

std::vector<span_of_object> download_ranges(std::uint64_t object_size, std::uint64_t range_size,
                                            const std::vector<std::uint64_t>& part_sizes, std::uint64_t max_range) {
    std::vector<span_of_object> out;
    const std::uint64_t listed = std::accumulate(part_sizes.begin(), part_sizes.end(), std::uint64_t{0});
    const bool use_parts = !part_sizes.empty() && listed == object_size &&
                           std::all_of(part_sizes.begin(), part_sizes.end(),
                                       [&](std::uint64_t s) { return s > 0 && s <= max_range; });
    if (use_parts) {
        std::uint64_t at = 0;
        for (std::uint64_t s : part_sizes) {
            out.push_back({at, s});
            at += s;
        }
        return out;
    }
    range_size = std::max<std::uint64_t>(range_size, 1);
    for (std::uint64_t at = 0; at < object_size; at += range_size)
        out.push_back({at, std::min(range_size, object_size - at)});
    return out;
}

}  // namespace shiftsync::transfer::s3
