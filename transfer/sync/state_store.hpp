#pragma once
// The sync worker's local state: one SQLite file (default $XDG_STATE_HOME/shiftsync/state.db) with
// a row per stream — its cursor, last and pending run, status, counts and timings — the staging
// prefixes and multipart uploads runs left in flight, and a lock per running stream.
//
// Where a stream's destination is a database, the truth about its cursor is the destination's own
// shiftsync_state table, written in the data's transaction; this file is a cache of it
// (adopt_cursor). Where the destination is files or S3, this file is the truth: the cursor moves
// (commit_run) only after the run's output is published.
//
// Crash safety: every write is one SQLite transaction (BEGIN IMMEDIATE ... COMMIT) in WAL mode
// with synchronous=FULL, so a process killed at any moment (SIGKILL, a power cut) leaves the file
// as it was before or after that write, never between. Two processes may share the file: WAL lets
// readers run beside a writer, and a writer waits up to `busy_timeout` for another's write.
//
// Schema (version 1, kept in PRAGMA user_version; a file with a newer version is refused, untouched):
//
//   streams            one row per stream that ever started a run
//     stream           TEXT PRIMARY KEY   the config's stream name
//     cursor           TEXT NULL          canonical text of the last committed cursor value; NULL:
//                                         never committed, or a full-refresh stream
//     cursor_column    TEXT               the column the cursor was read from ("" for full refresh)
//     last_run_id      TEXT               the run that committed the cursor
//     pending_run_id   TEXT               a run that began and has not ended ("" when none): after a
//                                         crash, the evidence of the run that died
//     status           TEXT               never | running | succeeded | failed | interrupted
//     last_error       TEXT               the last failed run's error, one redacted sentence
//     rows_last, bytes_last   INTEGER     of the last committed run
//     rows_total       INTEGER            rows committed by every run since the last reset
//     started_at, finished_at INTEGER     unix seconds, of the latest run
//     seconds_last     REAL               the last committed run's duration
//
//   inflight           resources a run created that need cleaning if it dies
//     stream, run_id   TEXT
//     kind             TEXT               staging_prefix | multipart_upload
//     bucket, key      TEXT               the prefix (staging_prefix) or the object key
//     upload_id        TEXT               the multipart upload's id ("" for a prefix)
//     created_at       INTEGER            unix seconds
//     PRIMARY KEY (kind, bucket, key, upload_id)
//
//   stream_locks       who runs a stream now (at most one worker per stream)
//     stream           TEXT PRIMARY KEY
//     owner            TEXT               the holder's own label ("sync run 2026…-9f86…")
//     host, boot_id, pid_namespace  TEXT  as transfer/staging's run markers record them
//     pid              INTEGER
//     start_ticks      INTEGER NULL       /proc/<pid>/stat's start time: tells a recycled pid apart
//     acquired_at      INTEGER            unix seconds
//
// Lifetimes: the object owns its connection; it may outlive nothing in particular.
// Thread safety: every method takes an internal mutex, so calls from several threads are
// serialized; failure() is the last failure of any thread's call.
// Blocking: each call is a few file operations and an fsync on commit, and may wait up to
// busy_timeout (5 s) while another process writes: call it off the network thread when that matters.

#include <boost/system/result.hpp>

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace shiftsync::transfer::sync {

namespace detail {
class sqlite_connection;
}

inline constexpr int state_schema_version = 1;

struct stream_state {
    std::string stream;
    std::optional<std::string>
        cursor;  // canonical text of the last committed cursor value (nullopt: never ran / full refresh)
    std::string cursor_column;
    std::string last_run_id;     // of the last committed run
    std::string pending_run_id;  // a run that started and has not finished (crash evidence)
    std::string status;          // "never", "running", "succeeded", "failed", "interrupted"
    std::string last_error;      // redacted sentence
    std::uint64_t rows_last = 0, rows_total = 0, bytes_last = 0;
    std::int64_t started_at = 0, finished_at = 0;  // unix seconds
    double seconds_last = 0;
};

struct inflight_item {
    std::string stream, run_id, kind /* "staging_prefix" | "multipart_upload" */, bucket, key, upload_id;
    std::int64_t created_at = 0;
};

// Who holds a stream's lock (for messages: "held by pid 123 on host x since ...").
struct stream_lock_holder {
    std::string stream, owner, host;
    std::int64_t pid = 0;
    std::int64_t acquired_at = 0;
};

class state_store {
public:
    // Creates the file's directories and schema, sets WAL and busy_timeout. Fails, saying why in
    // `why` (the path, what failed, what to do), when the directory or file cannot be created or
    // opened, the file is not an SQLite database, or its schema is newer than this binary knows.
    static boost::system::result<std::unique_ptr<state_store>> open(const std::string& path, std::string& why);
    // $XDG_STATE_HOME/shiftsync/state.db, else ~/.local/state/shiftsync/state.db.
    static std::string default_path();
    ~state_store();

    // Reads; nullopt / empty also on failure (failure() then says why).
    std::optional<stream_state> get(const std::string& stream);
    std::vector<stream_state> list();  // by stream name

    // Every write below returns false on failure, with failure() saying why, and changes nothing then.

    // status running, pending_run_id = run_id, started_at = now; the row is created if new.
    bool begin_run(const std::string& stream, const std::string& run_id, std::int64_t now);
    // The run `run_id` began (it is the pending run) and committed: the cursor moves, pending is
    // cleared, status succeeded, counts and timings recorded, last_error cleared. Refused when
    // another run (or none) is pending: a run that began before a reset must not move the cursor.
    bool commit_run(const std::string& stream, const std::string& run_id, const std::optional<std::string>& cursor,
                    const std::string& cursor_column, std::uint64_t rows, std::uint64_t bytes, std::int64_t now,
                    double seconds);
    // The pending run `run_id` ended without committing: status "failed" or "interrupted", the
    // error recorded, pending cleared, the cursor unchanged. Refused for a run that is not pending.
    bool fail_run(const std::string& stream, const std::string& run_id, const std::string& status,
                  const std::string& error, std::int64_t now);
    // The destination's own state table says `run_id` committed `cursor`: the cache follows it. When
    // `run_id` is the pending run (the process died between the destination's commit and this
    // file's), that run is recorded as succeeded. The row is created if new.
    bool adopt_cursor(const std::string& stream, const std::optional<std::string>& cursor, const std::string& run_id);
    // Forgets the stream's row (cursor, counts, status). Its in-flight items stay: they name real
    // S3 objects and uploads the next sync's housekeeping still has to clean. False, with
    // failure() saying so, for a stream with no row.
    bool reset(const std::string& stream);

    bool add_inflight(const inflight_item& item);     // replaces an item with the same key
    bool remove_inflight(const inflight_item& item);  // by (kind, bucket, key, upload_id); absent is fine
    std::vector<inflight_item> inflight();            // oldest first

    // Takes the stream's lock for this process under `owner`. False when another holder is alive
    // (failure() names it) or on failure. A holder whose pid on this host (same host name, boot id
    // and PID namespace) has exited, or now belongs to a later process, is dead: its lock is taken
    // over. A holder on another host is never taken over (its pid means nothing here).
    bool try_lock_stream(const std::string& stream, const std::string& owner);
    // Releases the lock if this process holds it under `owner`; false when it does not.
    bool unlock_stream(const std::string& stream, const std::string& owner);
    std::optional<stream_lock_holder> lock_holder(const std::string& stream);

    const std::string& failure() const { return failure_; }
    const std::string& path() const { return path_; }

private:
    state_store(std::unique_ptr<detail::sqlite_connection> db, std::string path);
    bool failed();  // copies the connection's failure into failure_; returns false

    std::unique_ptr<detail::sqlite_connection> db_;
    std::string path_;
    std::string failure_;
    std::mutex mutex_;
};

}  // namespace shiftsync::transfer::sync
