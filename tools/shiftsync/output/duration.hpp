#pragma once
// Durations as users write them for flags like `sweep --older-than`: "6h", "90m", "45s", "2d",
// "1h30m", or plain seconds ("3600").

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace shiftsync::cli {

// Whole seconds; nullopt for anything else (a negative or fractional number, an unknown unit,
// more than a century).
std::optional<std::chrono::seconds> parse_duration(std::string_view text);

// How long something took, as people read it: "0.4 s", "42.1 s", "3m05s", "2h07m".
std::string format_seconds(double seconds);

}  // namespace shiftsync::cli
