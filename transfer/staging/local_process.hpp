#pragma once
// This process and this host as a run marker records them, and the probe a sweep asks whether a
// pid still runs here. Linux: the optional parts come from /proc and are left empty elsewhere.

#include "transfer/staging/sweep_decision.hpp"

#include <cstdint>
#include <optional>
#include <string_view>

namespace shiftsync::transfer::staging {

// gethostname(), /proc/sys/kernel/random/boot_id, readlink(/proc/self/ns/pid).
host_identity this_host();

// A marker for this process (host identity, pid, its start ticks) started now.
run_marker marker_for_this_process(std::string run_id, std::string purpose);

// kill(pid, 0) == ESRCH, or a zombie: gone. Running, but /proc says it started at other ticks
// than the marker recorded: replaced (the pid was recycled). Otherwise running (EPERM included:
// someone else's process is still a process).
process_state probe_local_process(std::int64_t pid, std::optional<std::uint64_t> start_ticks);

// The parts of /proc/<pid>/stat a probe reads (sans-IO, for tests).
struct proc_stat {
    char state = '?';            // R, S, D, Z (zombie), X (dead), ...
    std::uint64_t start_ticks = 0;  // field 22: clock ticks after boot
};
// The command name (field 2) is in parentheses and may itself hold spaces and ')': the fields
// are counted from the last ')'.
std::optional<proc_stat> parse_proc_stat(std::string_view text);

}  // namespace shiftsync::transfer::staging
