#pragma once
// How a transfer is cut into part requests, and how many run at once: pure functions, no I/O.
//
// S3's limits (AWS docs, "Amazon S3 multipart upload limits"): parts of 5 MiB to 5 GiB (the last
// may be smaller), at most 10,000 parts, objects up to 5 TiB. The formulas are in
// transfer/README.md, "Sizing".

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace shiftsync::transfer::s3 {

inline constexpr std::uint64_t mib = 1024 * 1024;
inline constexpr std::uint64_t min_part_size = 5 * mib;
inline constexpr std::uint64_t max_part_size = 5 * 1024 * mib;
inline constexpr std::uint64_t default_part_size = 8 * mib;
inline constexpr std::uint64_t max_parts = 10'000;
inline constexpr std::uint64_t max_object_size = std::uint64_t{5} * 1024 * 1024 * mib;

// The part size for an upload of known size: `preferred` (clamped to 5 MiB..5 GiB), grown to the
// next MiB multiple that fits the object in 10,000 parts.
std::uint64_t upload_part_size(std::uint64_t object_size, std::uint64_t preferred);

// Parts of `part_size` needed for `object_size` bytes (0 for an empty object).
std::uint64_t part_count(std::uint64_t object_size, std::uint64_t part_size);

// An upload of unknown length: part `number` (from 1) is `first` bytes for parts 1..1000, twice
// that for 1001..2000, and so on, capped at 5 GiB. From 8 MiB, 10,000 parts hold 8 TiB, more
// than S3's 5 TiB object limit, so the part count never runs out.
std::uint64_t streaming_part_size(std::uint64_t number, std::uint64_t first);

// How many connections and requests a run uses, from a throughput target and a memory limit
// (aws-c-s3's model: a connection sustains about 0.4 Gbit/s against S3; 4 requests in flight
// per connection keep each busy while others prepare; a part's buffer is reserved before it is
// read or received, so the memory limit caps the bulk parts in flight).
struct sizing {
    std::size_t connections = 0;        // per S3 endpoint
    std::size_t requests_in_flight = 0; // part requests (and whole small objects) at once
    std::size_t parts_in_memory = 0;    // memory_limit / part_size: big parts in flight at once
};
sizing size_transfers(double target_gbit_per_s, std::uint64_t memory_limit, std::uint64_t part_size,
                      std::optional<std::size_t> concurrency_override);

// A byte range [first, first + length) of an object.
struct span_of_object {
    std::uint64_t first = 0;
    std::uint64_t length = 0;
};

// The ranges a download fetches: the object's own parts when they are known (so each part's
// stored CRC32C can be checked against the bytes of exactly that range) and none is larger than
// `max_range`; otherwise `range_size` pieces.
std::vector<span_of_object> download_ranges(std::uint64_t object_size, std::uint64_t range_size,
                                            const std::vector<std::uint64_t>& part_sizes, std::uint64_t max_range);

}  // namespace shiftsync::transfer::s3
