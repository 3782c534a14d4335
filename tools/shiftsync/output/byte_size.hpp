#pragma once
// Sizes as users write them ("8MiB", "1GiB", "64MB", "1048576") and as they read them.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace shiftsync::cli {

// Binary (KiB, MiB, GiB, TiB) and decimal (KB, MB, GB, TB) units, or plain bytes; nullopt if
// the text is none of those.
std::optional<std::uint64_t> parse_byte_size(std::string_view text);

// "1.50 GiB", "512 B".
std::string format_bytes(std::uint64_t bytes);

}  // namespace shiftsync::cli
