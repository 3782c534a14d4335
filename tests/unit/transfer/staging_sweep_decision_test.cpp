// decide_sweep (transfer/staging/sweep_decision.hpp): which dead runs' prefixes the sweep deletes,
// given a marker, the time, this host, and a probe standing in for kill(pid, 0) and /proc.

#include "transfer/staging/sweep_decision.hpp"

#include <gtest/gtest.h>

namespace {

namespace st = shiftsync::transfer::staging;
using namespace std::chrono_literals;
using clock_type = std::chrono::system_clock;

const clock_type::time_point now = clock_type::time_point{} + std::chrono::hours{24 * 365 * 57};
const st::host_identity here{"worker-7", "boot-a", "pid:[4026531836]"};

st::run_marker marker_from(std::string host, std::chrono::seconds age, std::string boot = "boot-a",
                           std::string ns = "pid:[4026531836]") {
    st::run_marker m;
    m.run_id = "20261202T143324Z-9f86d081884c7d65";
    m.host = std::move(host);
    m.pid = 4242;
    m.started = now - age;
    m.purpose = "extract";
    m.process_start_ticks = 777;
    m.boot_id = std::move(boot);
    m.pid_namespace = std::move(ns);
    return m;
}

// A probe that answers `state` and records what it was asked.
struct fake_probe {
    st::process_state state;
    int calls = 0;
    std::int64_t pid = 0;
    std::optional<std::uint64_t> ticks;
    st::process_probe fn() {
        return [this](std::int64_t p, std::optional<std::uint64_t> t) {
            ++calls;
            pid = p;
            ticks = t;
            return state;
        };
    }
};

TEST(StagingSweepDecision, a_gone_process_on_this_host_is_swept_whatever_its_age) {
    fake_probe probe{st::process_state::gone};
    auto v = st::decide_sweep(marker_from("worker-7", 1min), now, 6h, here, probe.fn());
    EXPECT_TRUE(v.sweep);
    EXPECT_NE(v.reason.find("process 4242 on host worker-7 is gone"), std::string::npos) << v.reason;
    EXPECT_EQ(probe.calls, 1);
    EXPECT_EQ(probe.pid, 4242);
    EXPECT_EQ(probe.ticks, 777u);  // the probe gets the start time, to spot a recycled pid
}

TEST(StagingSweepDecision, a_recycled_pid_is_a_gone_process) {
    fake_probe probe{st::process_state::replaced};
    auto v = st::decide_sweep(marker_from("worker-7", 1min), now, 6h, here, probe.fn());
    EXPECT_TRUE(v.sweep);
    EXPECT_NE(v.reason.find("later process"), std::string::npos) << v.reason;
}

TEST(StagingSweepDecision, a_running_process_on_this_host_is_never_swept) {
    fake_probe probe{st::process_state::running};
    for (auto age : {0s, 1s, std::chrono::seconds{6h}, std::chrono::seconds{24h * 30}}) {
        for (auto older_than : {0s, 1s, std::chrono::seconds{6h}}) {
            auto v = st::decide_sweep(marker_from("worker-7", age), now, older_than, here, probe.fn());
            EXPECT_FALSE(v.sweep) << age.count() << " " << older_than.count();
            EXPECT_NE(v.reason.find("still running"), std::string::npos) << v.reason;
        }
    }
}

TEST(StagingSweepDecision, another_host_is_swept_by_age_only) {
    fake_probe probe{st::process_state::gone};
    auto old = st::decide_sweep(marker_from("worker-9", 7h), now, 6h, here, probe.fn());
    EXPECT_TRUE(old.sweep);
    EXPECT_NE(old.reason.find("older than 6h"), std::string::npos) << old.reason;
    EXPECT_NE(old.reason.find("on host worker-9"), std::string::npos) << old.reason;
    auto exactly = st::decide_sweep(marker_from("worker-9", 6h), now, 6h, here, probe.fn());
    EXPECT_TRUE(exactly.sweep);  // "at least older_than"
    auto young = st::decide_sweep(marker_from("worker-9", 5h + 59min), now, 6h, here, probe.fn());
    EXPECT_FALSE(young.sweep);
    EXPECT_NE(young.reason.find("younger than 6h"), std::string::npos) << young.reason;
    EXPECT_EQ(probe.calls, 0);  // another host's pid means nothing here: never probed
}

TEST(StagingSweepDecision, older_than_zero_sweeps_every_other_hosts_run) {
    fake_probe probe{st::process_state::running};
    EXPECT_TRUE(st::decide_sweep(marker_from("worker-9", 0s), now, 0s, here, probe.fn()).sweep);
    // A marker from the future (a clock ahead of ours) is younger than anything.
    EXPECT_FALSE(st::decide_sweep(marker_from("worker-9", -1h), now, 0s, here, probe.fn()).sweep);
}

TEST(StagingSweepDecision, another_boot_or_pid_namespace_of_the_same_name_counts_as_another_host) {
    // The pid there is not the pid here: even "gone" must not sweep a young run.
    fake_probe probe{st::process_state::gone};
    auto rebooted = st::decide_sweep(marker_from("worker-7", 1h, "boot-b"), now, 6h, here, probe.fn());
    EXPECT_FALSE(rebooted.sweep);
    EXPECT_NE(rebooted.reason.find("another boot or container"), std::string::npos) << rebooted.reason;
    auto container = st::decide_sweep(marker_from("worker-7", 1h, "boot-a", "pid:[4026532999]"), now, 6h, here, probe.fn());
    EXPECT_FALSE(container.sweep);
    EXPECT_EQ(probe.calls, 0);
    EXPECT_TRUE(st::decide_sweep(marker_from("worker-7", 7h, "boot-b"), now, 6h, here, probe.fn()).sweep);
}

TEST(StagingSweepDecision, missing_identity_fields_compare_by_host_name) {
    // A marker without boot id / namespace (or a host without /proc): the host name decides.
    fake_probe probe{st::process_state::gone};
    EXPECT_TRUE(st::decide_sweep(marker_from("worker-7", 1min, "", ""), now, 6h, here, probe.fn()).sweep);
    EXPECT_TRUE(st::decide_sweep(marker_from("worker-7", 1min), now, 6h, {"worker-7", "", ""}, probe.fn()).sweep);
    EXPECT_EQ(probe.calls, 2);
}

TEST(StagingSweepDecision, durations_read_as_users_write_them) {
    EXPECT_EQ(st::format_duration(6h), "6h");
    EXPECT_EQ(st::format_duration(90min), "90m");
    EXPECT_EQ(st::format_duration(45s), "45s");
    EXPECT_EQ(st::format_duration(0s), "0s");
    EXPECT_EQ(st::format_duration(48h), "2d");
    EXPECT_EQ(st::format_duration(3601s), "3601s");
}

}  // namespace
