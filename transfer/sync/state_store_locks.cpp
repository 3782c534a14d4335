// state_store's stream locks: one row per running stream, naming the process that holds it the way
// transfer/staging's run markers name a run's process, so a lock left by a process that died
// (SIGKILL, a crash) on this host is recognised and taken over, and a live one never is.

#include "transfer/sync/state_store.hpp"

#include "transfer/staging/local_process.hpp"
#include "transfer/staging/run_marker.hpp"
#include "transfer/sync/state_sqlite.hpp"

#include <fmt/core.h>

#include <chrono>

namespace shiftsync::transfer::sync {
namespace {

using detail::sql_row;
using detail::write_transaction;
namespace staging = transfer::staging;

struct lock_row {
    std::string owner, host, boot_id, pid_namespace;
    std::int64_t pid = 0;
    std::optional<std::uint64_t> start_ticks;
    std::int64_t acquired_at = 0;
};

// Host name equal, and boot id and PID namespace equal where both sides know them (the sweep's
// rule): only then does the row's pid name a process this host can ask about.
bool on_this_host(const lock_row& row, const staging::run_marker& me) {
    auto same = [](const std::string& a, const std::string& b) { return a.empty() || b.empty() || a == b; };
    return row.host == me.host && same(row.boot_id, me.boot_id) && same(row.pid_namespace, me.pid_namespace);
}

bool is_me(const lock_row& row, const staging::run_marker& me) {
    return on_this_host(row, me) && row.pid == me.pid && row.start_ticks == me.process_start_ticks;
}

std::string describe(const std::string& stream, const lock_row& row) {
    auto since = staging::format_utc(std::chrono::system_clock::time_point(std::chrono::seconds(row.acquired_at)));
    return fmt::format("stream {} is locked by \"{}\" (pid {} on host {} since {})", stream, row.owner, row.pid,
                       row.host, since);
}

detail::sql_value ticks(const std::optional<std::uint64_t>& t) {
    if (!t) return nullptr;
    return static_cast<std::int64_t>(*t);
}

}  // namespace

bool state_store::try_lock_stream(const std::string& stream, const std::string& owner) {
    std::lock_guard guard(mutex_);
    const auto me = staging::marker_for_this_process("", "");
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(me.started.time_since_epoch()).count();
    write_transaction tx(*db_);
    if (!tx.began()) return failed();
    std::optional<lock_row> held;
    if (!db_->run("reading the stream's lock",
                  "SELECT owner, host, boot_id, pid_namespace, pid, start_ticks, acquired_at FROM stream_locks "
                  "WHERE stream = ?1",
                  {stream}, [&](const sql_row& row) {
                      held = lock_row{row.text(0),    row.text(1),  row.text(2),   row.text(3),
                                      row.integer(4), std::nullopt, row.integer(6)};
                      if (row.optional_text(5)) held->start_ticks = static_cast<std::uint64_t>(row.integer(5));
                  }))
        return failed();
    if (held) {
        if (is_me(*held, me)) {
            if (held->owner == owner) return true;  // already ours: taking it again is a no-op
            db_->fail(describe(stream, *held) + ", this process, under another owner");
            return failed();
        }
        bool dead = on_this_host(*held, me) &&
                    staging::probe_local_process(held->pid, held->start_ticks) != staging::process_state::running;
        if (!dead) {
            db_->fail(describe(stream, *held) +
                      (on_this_host(*held, me) ? ", which still runs"
                                               : "; another host's lock is never taken over: if that worker is gone "
                                                 "for good, run `shiftsync state reset` on that host, or delete the "
                                                 "stream's row from the stream_locks table"));
            return failed();
        }
    }
    bool ok =
        db_->run("taking the stream's lock",
                 "INSERT OR REPLACE INTO stream_locks "
                 "(stream, owner, host, boot_id, pid_namespace, pid, start_ticks, acquired_at) "
                 "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                 {stream, owner, me.host, me.boot_id, me.pid_namespace, me.pid, ticks(me.process_start_ticks), now}) &&
        tx.commit();
    return ok || failed();
}

bool state_store::unlock_stream(const std::string& stream, const std::string& owner) {
    std::lock_guard guard(mutex_);
    const auto me = staging::marker_for_this_process("", "");
    write_transaction tx(*db_);
    bool ok = tx.began() && db_->run("releasing the stream's lock",
                                     "DELETE FROM stream_locks WHERE stream = ?1 AND owner = ?2 AND host = ?3 AND "
                                     "pid = ?4 AND start_ticks IS ?5",
                                     {stream, owner, me.host, me.pid, ticks(me.process_start_ticks)});
    if (ok && db_->changes() == 0)
        ok = db_->fail(fmt::format("this process holds no lock on stream {} as \"{}\"", stream, owner));
    return (ok && tx.commit()) || failed();
}

std::optional<stream_lock_holder> state_store::lock_holder(const std::string& stream) {
    std::lock_guard guard(mutex_);
    std::optional<stream_lock_holder> holder;
    if (!db_->run("reading the stream's lock",
                  "SELECT owner, host, pid, acquired_at FROM stream_locks WHERE stream = ?1", {stream},
                  [&](const sql_row& row) {
                      holder = stream_lock_holder{stream, row.text(0), row.text(1), row.integer(2), row.integer(3)};
                  }))
        failed();
    return holder;
}

}  // namespace shiftsync::transfer::sync
