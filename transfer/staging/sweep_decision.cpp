#include "transfer/staging/sweep_decision.hpp"

namespace shiftsync::transfer::staging {
namespace {

// Both known and different: another machine, another boot, another container.
bool differs(const std::string& a, const std::string& b) { return !a.empty() && !b.empty() && a != b; }

}  // namespace

std::string format_duration(std::chrono::seconds duration) {
    auto s = duration.count();
    if (s != 0 && s % 86400 == 0) return std::to_string(s / 86400) + "d";
    if (s != 0 && s % 3600 == 0) return std::to_string(s / 3600) + "h";
    if (s != 0 && s % 60 == 0) return std::to_string(s / 60) + "m";
    return std::to_string(s) + "s";
}

sweep_verdict decide_sweep(const run_marker& marker, std::chrono::system_clock::time_point now,
                           std::chrono::seconds older_than, const host_identity& here, const process_probe& probe) {
    const std::string process = "process " + std::to_string(marker.pid) + " on host " + marker.host;
    const std::string started = "started " + format_utc(marker.started);
    if (marker.host == here.host) {
        if (differs(marker.boot_id, here.boot_id)) {
            // Fall through to the age rule: the machine rebooted (or is another one of the same name).
        } else if (differs(marker.pid_namespace, here.pid_namespace)) {
            // Another container sharing the host name: its pids are not ours to look at.
        } else {
            switch (probe(marker.pid, marker.process_start_ticks)) {
                case process_state::running:
                    return {false, process + " is still running (" + started + ")"};
                case process_state::gone:
                    return {true, process + " is gone (" + started + ")"};
                case process_state::replaced:
                    return {true, process + " is gone (its pid now belongs to a later process; " + started + ")"};
            }
        }
    }
    const auto age = std::chrono::duration_cast<std::chrono::seconds>(now - marker.started);
    const std::string where = marker.host == here.host ? " on host " + marker.host + " (another boot or container)"
                                                       : " on host " + marker.host;
    if (age >= older_than)
        return {true, started + where + " (older than " + format_duration(older_than) + ")"};
    return {false, started + where + " (younger than " + format_duration(older_than) +
                       "; its process cannot be checked from here)"};
}

}  // namespace shiftsync::transfer::staging
