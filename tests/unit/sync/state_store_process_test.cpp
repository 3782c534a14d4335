// transfer/sync/state_store across processes: a writer SIGKILLed mid-loop leaves a consistent file
// that loses no committed write; two writers share one file; stream locks keep a live holder and
// are taken over from a dead one. The other process is sync_state_writer (state_writer.cpp),
// exec'd, never a bare fork: SQLite must not be used in a forked copy of a process that has it open.

#include "transfer/sync/state_store.hpp"

#include "tests/unit/sync/state_test_support.hpp"
#include "transfer/staging/local_process.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

namespace {

using shiftsync::transfer::sync::state_store;
using state_test::raw_query;

// A sync_state_writer child with its stdin and stdout on pipes; killed and reaped if still there.
class writer {
public:
    explicit writer(std::vector<std::string> args) {
        args.insert(args.begin(), SYNC_STATE_WRITER);
        int in[2], out[2];
        if (::pipe(in) != 0 || ::pipe(out) != 0) return;
        pid_ = ::fork();
        if (pid_ == 0) {
            ::dup2(in[0], STDIN_FILENO);
            ::dup2(out[1], STDOUT_FILENO);
            ::close(in[0]), ::close(in[1]), ::close(out[0]), ::close(out[1]);
            std::vector<char*> argv;
            for (auto& arg : args) argv.push_back(arg.data());
            argv.push_back(nullptr);
            ::execv(argv[0], argv.data());
            ::_exit(127);
        }
        ::close(in[0]);
        ::close(out[1]);
        to_child_ = in[1];
        from_child_ = out[0];
    }
    ~writer() {
        if (to_child_ >= 0) ::close(to_child_);
        if (from_child_ >= 0) ::close(from_child_);
        if (pid_ > 0 && !reaped_) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
    }
    pid_t pid() const { return pid_; }
    // Reads exactly n bytes of the child's stdout; false at EOF (the child ended first).
    bool read_exactly(std::size_t n) {
        char buffer[256];
        while (n > 0) {
            ssize_t got = ::read(from_child_, buffer, std::min(n, sizeof buffer));
            if (got <= 0) return false;
            n -= static_cast<std::size_t>(got);
        }
        return true;
    }
    // The exit code, after closing the child's stdin (which ends `lock`).
    int wait() {
        if (to_child_ >= 0) ::close(to_child_), to_child_ = -1;
        int status = 0;
        ::waitpid(pid_, &status, 0);
        reaped_ = true;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    void kill_hard() {
        ::kill(pid_, SIGKILL);
        int status = 0;
        ::waitpid(pid_, &status, 0);
        reaped_ = true;
    }

private:
    pid_t pid_ = -1;
    int to_child_ = -1, from_child_ = -1;
    bool reaped_ = false;
};

std::unique_ptr<state_store> open_store(const std::string& path) {
    std::string why;
    auto store = state_store::open(path, why);
    EXPECT_TRUE(store) << why;
    if (!store) return nullptr;
    return std::move(*store);
}

TEST(SyncStateProcesses, a_writer_killed_at_any_moment_leaves_a_consistent_file_with_every_acknowledged_run) {
    state_test::temp_dir dir;
    auto path = dir.file("state.db");
    std::int64_t acknowledged = 0;  // runs the children said they committed, over all rounds
    const auto seed = std::random_device{}();
    std::mt19937 random(seed);
    std::uniform_int_distribution<int> pause_us(0, 4000);  // a few runs' worth: spreads the kill points
    for (int round = 0; round < 40; ++round) {
        SCOPED_TRACE("round " + std::to_string(round) + ", seed " + std::to_string(seed));
        writer child({path, "loop", "orders"});
        // Let it commit a few runs, then kill it wherever it happens to be a random moment later:
        // inside a transaction, between two, in an fsync, in a checkpoint.
        std::size_t runs = 2 + static_cast<std::size_t>(round % 5);
        ASSERT_TRUE(child.read_exactly(runs));
        std::this_thread::sleep_for(std::chrono::microseconds(pause_us(random)));
        child.kill_hard();
        acknowledged += static_cast<std::int64_t>(runs);

        EXPECT_EQ(raw_query(path, "PRAGMA integrity_check"), "ok");
        auto store = open_store(path);
        ASSERT_TRUE(store);
        auto s = store->get("orders");
        ASSERT_TRUE(s);
        ASSERT_TRUE(s->cursor);
        std::int64_t cursor = std::stoll(*s->cursor);
        // Each run commits its own number as the cursor and one row: a torn write would break this.
        EXPECT_GE(cursor, acknowledged);  // nothing acknowledged was lost
        EXPECT_EQ(s->rows_total, static_cast<std::uint64_t>(cursor));
        EXPECT_EQ(s->last_run_id, "run-" + std::to_string(cursor));
        if (s->pending_run_id.empty()) {
            EXPECT_EQ(s->status, "succeeded");
        } else {
            EXPECT_EQ(s->status, "running");
            EXPECT_EQ(s->pending_run_id, "run-" + std::to_string(cursor + 1));
        }
        // At most the prefix of the run in progress, or of the run that committed and did not drop it yet.
        auto items = store->inflight();
        ASSERT_LE(items.size(), 1u);
        if (!items.empty()) {
            EXPECT_TRUE(items[0].run_id == s->last_run_id || items[0].run_id == s->pending_run_id) << items[0].run_id;
            ASSERT_TRUE(store->remove_inflight(items[0]));  // as the next sync's housekeeping would
        }
        acknowledged = cursor;  // the next child continues from the stored cursor
    }
}

TEST(SyncStateProcesses, two_writers_share_one_file) {
    state_test::temp_dir dir;
    auto path = dir.file("state.db");
    auto store = open_store(path);  // a third party holding the file open, reading while they write
    ASSERT_TRUE(store);
    writer first({path, "runs", "orders", "150"});
    writer second({path, "runs", "customers", "150"});
    for (int i = 0; i < 50; ++i) store->list();
    EXPECT_EQ(first.wait(), 0);
    EXPECT_EQ(second.wait(), 0);
    ASSERT_TRUE(store->get("orders"));
    ASSERT_TRUE(store->get("customers"));
    EXPECT_EQ(store->get("orders")->rows_total, 150u);
    EXPECT_EQ(store->get("customers")->rows_total, 150u);
    EXPECT_EQ(raw_query(path, "PRAGMA integrity_check"), "ok");
}

TEST(SyncStateLocks, a_lock_is_taken_once_and_released_by_its_holder) {
    state_test::temp_dir dir;
    auto store = open_store(dir.file("state.db"));
    ASSERT_TRUE(store);
    EXPECT_FALSE(store->lock_holder("orders"));
    ASSERT_TRUE(store->try_lock_stream("orders", "sync run A")) << store->failure();
    auto holder = store->lock_holder("orders");
    ASSERT_TRUE(holder);
    EXPECT_EQ(holder->owner, "sync run A");
    EXPECT_EQ(holder->pid, ::getpid());
    EXPECT_TRUE(store->try_lock_stream("orders", "sync run A"));  // again, same owner: still ours
    EXPECT_FALSE(store->try_lock_stream("orders", "sync run B"));
    EXPECT_NE(store->failure().find("sync run A"), std::string::npos) << store->failure();
    EXPECT_TRUE(store->try_lock_stream("customers", "sync run B"));  // another stream is free
    EXPECT_FALSE(store->unlock_stream("orders", "sync run B"));
    ASSERT_TRUE(store->unlock_stream("orders", "sync run A"));
    EXPECT_FALSE(store->lock_holder("orders"));
    EXPECT_TRUE(store->try_lock_stream("orders", "sync run B"));
}

TEST(SyncStateLocks, a_live_holder_keeps_it_and_a_killed_one_loses_it) {
    state_test::temp_dir dir;
    auto path = dir.file("state.db");
    auto store = open_store(path);
    ASSERT_TRUE(store);
    writer other({path, "lock", "orders", "worker 2"});
    ASSERT_TRUE(other.read_exactly(7));  // "locked\n"
    EXPECT_FALSE(store->try_lock_stream("orders", "worker 1"));
    EXPECT_NE(store->failure().find("worker 2"), std::string::npos) << store->failure();
    EXPECT_NE(store->failure().find("still runs"), std::string::npos) << store->failure();
    EXPECT_NE(store->failure().find(std::to_string(other.pid())), std::string::npos) << store->failure();
    EXPECT_FALSE(store->unlock_stream("orders", "worker 2"));  // not this process's to release
    EXPECT_EQ(store->lock_holder("orders")->pid, other.pid());

    other.kill_hard();  // dies holding it
    ASSERT_TRUE(store->try_lock_stream("orders", "worker 1")) << store->failure();
    EXPECT_EQ(store->lock_holder("orders")->pid, ::getpid());
    EXPECT_EQ(store->lock_holder("orders")->owner, "worker 1");
}

TEST(SyncStateLocks, a_recycled_pid_is_taken_over_and_another_hosts_lock_never) {
    state_test::temp_dir dir;
    auto path = dir.file("state.db");
    auto store = open_store(path);
    ASSERT_TRUE(store);
    auto me = shiftsync::transfer::staging::marker_for_this_process("", "");
    ASSERT_TRUE(me.process_start_ticks);
    // This host, this pid, but a process that started at other ticks: the pid was recycled.
    raw_query(path, "INSERT INTO stream_locks VALUES ('orders', 'old worker', '" + me.host + "', '" + me.boot_id +
                        "', '" + me.pid_namespace + "', " + std::to_string(me.pid) + ", " +
                        std::to_string(*me.process_start_ticks + 1) + ", 1)");
    EXPECT_TRUE(store->try_lock_stream("orders", "new worker")) << store->failure();
    EXPECT_EQ(store->lock_holder("orders")->owner, "new worker");

    // Another host, with a pid that runs nothing here: never ours to judge.
    raw_query(path,
              "INSERT INTO stream_locks VALUES ('items', 'far worker', 'elsewhere.example', 'b', 'n', 999999999, "
              "NULL, 1)");
    EXPECT_FALSE(store->try_lock_stream("items", "new worker"));
    EXPECT_NE(store->failure().find("elsewhere.example"), std::string::npos) << store->failure();
    EXPECT_NE(store->failure().find("another host"), std::string::npos) << store->failure();
    // This host after a reboot (another boot id): the pid means nothing either.
    raw_query(path, "INSERT INTO stream_locks VALUES ('events', 'pre-reboot', '" + me.host + "', 'another-boot', '" +
                        me.pid_namespace + "', 999999999, NULL, 1)");
    EXPECT_FALSE(store->try_lock_stream("events", "new worker"));
}

}  // namespace
