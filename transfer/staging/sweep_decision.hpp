#pragma once
// Whether `shiftsync sweep` may delete a run's prefix, sans-IO: given its marker, the time now,
// who "this host" is, and a probe that says whether a pid on this host still runs.
//
// The rules (issues #11/#12):
//   - The marker names this host: the run is swept once its process is gone (or its pid now
//     belongs to a later process), and NEVER while it runs, however old it is.
//   - Another host: the pid means nothing here, so only age counts: swept once the marker is at
//     least `older_than` old. A run that is still alive there after that long is taken for dead:
//     --older-than must exceed the longest run.
// "This host" is the same host name and, where both the marker and this process know them, the
// same boot id and PID namespace: after a reboot, or in another container with the same host
// name, a pid says nothing about the run, so only age counts there too.

#include "transfer/staging/run_marker.hpp"

#include <chrono>
#include <functional>
#include <string>

namespace shiftsync::transfer::staging {

struct host_identity {
    std::string host;
    std::string boot_id;        // "" when unknown
    std::string pid_namespace;  // "" when unknown
};

enum class process_state {
    running,
    gone,      // no such process (or a zombie waiting to be reaped)
    replaced,  // the pid runs, but a process started later than the marker's
};

// Asks this host about `pid`; `start_ticks` is the marker's process_start_ticks when it has one.
using process_probe = std::function<process_state(std::int64_t pid, std::optional<std::uint64_t> start_ticks)>;

struct sweep_verdict {
    bool sweep = false;
    std::string reason;  // "process 123 on host x is gone", "started 2026-… on host y (older than 6h)"
};

sweep_verdict decide_sweep(const run_marker& marker, std::chrono::system_clock::time_point now,
                           std::chrono::seconds older_than, const host_identity& here, const process_probe& probe);

// "6h", "90m", "45s", "1d": for the reasons above.
std::string format_duration(std::chrono::seconds duration);

}  // namespace shiftsync::transfer::staging
