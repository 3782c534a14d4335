#pragma once
// A staging run's identity, sans-IO: its run id and the marker object it writes first.
//
// Run id: "<UTC time>-<16 random hex digits>", e.g. "20261202T143324Z-9f86d081884c7d65": runs sort
// by start time, and two runs started in the same second on any number of machines do not collide
// (64 random bits).
//
// Marker: `<staging prefix><run id>/_shiftsync_run`, a JSON object
//   {"tool":"shiftsync","run_id":…,"host":…,"pid":…,"started":"2026-12-02T14:33:24Z","purpose":"extract",
//    "process_start_ticks":…,"boot_id":…,"pid_namespace":…}
// The last three (Linux: /proc/<pid>/stat's start time, /proc/sys/kernel/random/boot_id,
// /proc/self/ns/pid) let a sweep on the same host tell a recycled pid, a reboot, or another
// container that shares the host name apart from the process that wrote it; they are optional.

#include <boost/system/result.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace shiftsync::transfer::staging {

inline constexpr std::string_view marker_name = "_shiftsync_run";
inline constexpr std::string_view tool_name = "shiftsync";

struct run_marker {
    std::string run_id;
    std::string host;
    std::int64_t pid = 0;
    std::chrono::system_clock::time_point started;  // whole seconds (the text has no fraction)
    std::string purpose;                            // free-form: "extract", "load"
    std::optional<std::uint64_t> process_start_ticks;
    std::string boot_id;
    std::string pid_namespace;
};

std::string encode_marker(const run_marker& marker);

// A marker as written by encode_marker (unknown fields are ignored, so later versions may add
// some). Fails, saying why, unless "tool" is "shiftsync" and run_id, host, a pid > 0 and the start
// time are there: a sweep must never act on a marker it does not fully understand.
boost::system::result<run_marker> parse_marker(std::string_view json, std::string& why);

// "20261202T143324Z-" + `random` as 16 lower-case hex digits.
std::string make_run_id(std::chrono::system_clock::time_point now, std::uint64_t random);
// make_run_id(now, 64 bits from std::random_device).
std::string new_run_id();
// The shape make_run_id produces (the sweep looks only at folders of that shape).
bool is_run_id(std::string_view text);

// "2026-12-02T14:33:24Z" (whole seconds, UTC).
std::string format_utc(std::chrono::system_clock::time_point time);
// "2026-12-02T14:33:24Z", also with a fraction ("…24.5Z") or "+00:00"; nullopt for anything else.
std::optional<std::chrono::system_clock::time_point> parse_utc(std::string_view text);

}  // namespace shiftsync::transfer::staging
