#pragma once
// UNLOAD's manifest (MANIFEST VERBOSE): the files it wrote, in order, each with its compressed
// size and record count, and the totals. Extract checks every file against its entry, so a
// missing file, a short download or a lost record is an error naming the file.

#include <boost/system/result.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace shiftsync::transfer::extract {

struct manifest_entry {
    std::string url;  // s3://bucket/key
    std::string bucket;
    std::string key;
    std::uint64_t content_length = 0;
    std::optional<std::uint64_t> record_count;  // VERBOSE only
};

struct unload_manifest {
    std::vector<manifest_entry> entries;
    std::optional<std::uint64_t> record_count;  // meta.record_count
};

// nullopt with `why` set when the document is not a manifest.
std::optional<unload_manifest> parse_manifest(std::string_view json, std::string& why);

}  // namespace shiftsync::transfer::extract
