#pragma once
// SigV4 timestamps: "20150830T123600Z" (x-amz-date) and its first 8 characters (the scope date).

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace shiftsync::sigv4 {

using clock = std::chrono::system_clock;

// "YYYYMMDDTHHMMSSZ", UTC, whole seconds.
std::string format_amz_date(clock::time_point t);
// The same, written into `out` (its capacity reused).
void set_amz_date(std::string& out, clock::time_point t);

// Accepts "20150830T123600Z" and ISO 8601 "2015-08-30T12:36:00Z" (fractions of a second ignored).
std::optional<clock::time_point> parse_amz_date(std::string_view text);

}  // namespace shiftsync::sigv4
