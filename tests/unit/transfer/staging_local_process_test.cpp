// probe_local_process and /proc/<pid>/stat parsing (transfer/staging/local_process.hpp), with real
// processes: this one, a child that has exited and been reaped, a zombie.

#include "transfer/staging/local_process.hpp"

#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

namespace st = shiftsync::transfer::staging;

TEST(StagingProcStat, reads_state_and_start_ticks_past_an_awkward_command_name) {
    // Fields: pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime
    // stime cutime cstime priority nice threads itrealvalue starttime ...
    auto s = st::parse_proc_stat("4242 (a) b (c) S 1 4242 4242 0 -1 4194560 100 0 0 0 5 3 0 0 20 0 1 0 987654 12345 67");
    ASSERT_TRUE(s);
    EXPECT_EQ(s->state, 'S');
    EXPECT_EQ(s->start_ticks, 987654u);
    EXPECT_FALSE(st::parse_proc_stat("4242 (sleep) S 1 2 3"));  // cut short
    EXPECT_FALSE(st::parse_proc_stat("no parenthesis"));
    EXPECT_FALSE(st::parse_proc_stat("1 (x) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 12a4 5"));
}

TEST(StagingLocalProcess, this_process_runs_and_its_marker_says_so) {
    auto here = st::this_host();
    EXPECT_FALSE(here.host.empty());
    EXPECT_FALSE(here.boot_id.empty());       // Linux
    EXPECT_EQ(here.pid_namespace.rfind("pid:[", 0), 0u) << here.pid_namespace;
    auto m = st::marker_for_this_process("20261202T143324Z-9f86d081884c7d65", "extract");
    EXPECT_EQ(m.pid, ::getpid());
    EXPECT_EQ(m.host, here.host);
    ASSERT_TRUE(m.process_start_ticks);
    EXPECT_EQ(st::probe_local_process(m.pid, m.process_start_ticks), st::process_state::running);
    EXPECT_EQ(st::probe_local_process(m.pid, std::nullopt), st::process_state::running);
    // The same pid with another start time: a later process took the pid over.
    EXPECT_EQ(st::probe_local_process(m.pid, *m.process_start_ticks + 1), st::process_state::replaced);
}

TEST(StagingLocalProcess, a_reaped_child_is_gone_and_a_zombie_too) {
    pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) ::_exit(0);
    // Not reaped yet: a zombie, which kill(pid, 0) still finds.
    for (int i = 0; i < 200; ++i) {
        siginfo_t info{};
        if (::waitid(P_PID, child, &info, WEXITED | WNOWAIT) == 0) break;
    }
    EXPECT_EQ(st::probe_local_process(child, std::nullopt), st::process_state::gone);
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    EXPECT_EQ(st::probe_local_process(child, std::nullopt), st::process_state::gone);
}

TEST(StagingLocalProcess, pids_that_name_process_groups_are_never_called_gone) {
    EXPECT_EQ(st::probe_local_process(0, std::nullopt), st::process_state::running);
    EXPECT_EQ(st::probe_local_process(-1, std::nullopt), st::process_state::running);
}

}  // namespace
