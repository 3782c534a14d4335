#include "transfer/sync/state_store.hpp"

#include "transfer/sync/state_sqlite.hpp"

#include <fmt/core.h>
#include <boost/system/errc.hpp>

#include <cstdlib>
#include <filesystem>

namespace shiftsync::transfer::sync {
namespace {

using detail::sql_row;
using detail::sql_value;
using detail::sqlite_connection;
using detail::write_transaction;

constexpr int busy_timeout_ms = 5000;

// Version 1. A later version adds its own steps after these and raises user_version: a file is
// upgraded in the same transaction that checks its version.
constexpr const char* schema_v1 = R"sql(
CREATE TABLE streams (
  stream         TEXT PRIMARY KEY NOT NULL,
  cursor         TEXT,
  cursor_column  TEXT NOT NULL DEFAULT '',
  last_run_id    TEXT NOT NULL DEFAULT '',
  pending_run_id TEXT NOT NULL DEFAULT '',
  status         TEXT NOT NULL DEFAULT 'never'
                 CHECK (status IN ('never', 'running', 'succeeded', 'failed', 'interrupted')),
  last_error     TEXT NOT NULL DEFAULT '',
  rows_last      INTEGER NOT NULL DEFAULT 0,
  rows_total     INTEGER NOT NULL DEFAULT 0,
  bytes_last     INTEGER NOT NULL DEFAULT 0,
  started_at     INTEGER NOT NULL DEFAULT 0,
  finished_at    INTEGER NOT NULL DEFAULT 0,
  seconds_last   REAL NOT NULL DEFAULT 0
);
CREATE TABLE inflight (
  stream     TEXT NOT NULL,
  run_id     TEXT NOT NULL,
  kind       TEXT NOT NULL CHECK (kind IN ('staging_prefix', 'multipart_upload')),
  bucket     TEXT NOT NULL,
  key        TEXT NOT NULL,
  upload_id  TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (kind, bucket, key, upload_id)
);
CREATE TABLE stream_locks (
  stream        TEXT PRIMARY KEY NOT NULL,
  owner         TEXT NOT NULL,
  host          TEXT NOT NULL,
  boot_id       TEXT NOT NULL DEFAULT '',
  pid_namespace TEXT NOT NULL DEFAULT '',
  pid           INTEGER NOT NULL,
  start_ticks   INTEGER,
  acquired_at   INTEGER NOT NULL
);
PRAGMA user_version = 1;
)sql";

constexpr const char* stream_columns =
    "stream, cursor, cursor_column, last_run_id, pending_run_id, status, last_error, rows_last, rows_total, "
    "bytes_last, started_at, finished_at, seconds_last";

stream_state read_stream(const sql_row& row) {
    stream_state s;
    s.stream = row.text(0);
    s.cursor = row.optional_text(1);
    s.cursor_column = row.text(2);
    s.last_run_id = row.text(3);
    s.pending_run_id = row.text(4);
    s.status = row.text(5);
    s.last_error = row.text(6);
    s.rows_last = static_cast<std::uint64_t>(row.integer(7));
    s.rows_total = static_cast<std::uint64_t>(row.integer(8));
    s.bytes_last = static_cast<std::uint64_t>(row.integer(9));
    s.started_at = row.integer(10);
    s.finished_at = row.integer(11);
    s.seconds_last = row.real(12);
    return s;
}

sql_value count(std::uint64_t n) {
    return static_cast<std::int64_t>(n);
}

std::optional<int> user_version(sqlite_connection& db) {
    int version = -1;
    if (!db.run("reading its schema version", "PRAGMA user_version", {},
                [&](const sql_row& row) { version = static_cast<int>(row.integer(0)); }))
        return std::nullopt;
    return version;
}

// Creates the schema of an empty file, or checks the version of an existing one, in one write
// transaction: two processes opening a new file at once create it once.
bool prepare_schema(sqlite_connection& db) {
    write_transaction tx(db);
    if (!tx.began()) return false;
    auto version = user_version(db);
    if (!version) return false;
    if (*version == state_schema_version) return true;  // the destructor ends the read-only transaction
    if (*version != 0)
        return db.fail(fmt::format("state file {} has schema version {}, which this shiftsync does not know", db.path(),
                                   *version));
    std::int64_t foreign = 0;
    if (!db.run("looking for tables", "SELECT count(*) FROM sqlite_master WHERE type = 'table'", {},
                [&](const sql_row& row) { foreign = row.integer(0); }))
        return false;
    if (foreign != 0)
        return db.fail(
            fmt::format("state file {} is an SQLite database with tables of its own, not a shiftsync state "
                        "file; pass --state a path of its own",
                        db.path()));
    if (!db.script("creating the schema", schema_v1)) return false;
    return tx.commit();
}

}  // namespace

std::string state_store::default_path() {
    std::filesystem::path base;
    if (const char* state = std::getenv("XDG_STATE_HOME"); state && *state)
        base = state;
    else if (const char* home = std::getenv("HOME"); home && *home)
        base = std::filesystem::path(home) / ".local" / "state";
    else
        base = std::filesystem::temp_directory_path();
    return (base / "shiftsync" / "state.db").string();
}

boost::system::result<std::unique_ptr<state_store>> state_store::open(const std::string& path, std::string& why) {
    namespace errc = boost::system::errc;
    if (path.empty()) {
        why = "the state file's path is empty";
        return errc::make_error_code(errc::invalid_argument);
    }
    std::filesystem::path parent = std::filesystem::path(path).parent_path();
    if (!parent.empty()) {
        std::error_code made;
        std::filesystem::create_directories(parent, made);
        if (made) {
            why = fmt::format("cannot create the directory {} for the state file: {}; pass --state a writable path",
                              parent.string(), made.message());
            return errc::make_error_code(errc::io_error);
        }
    }
    auto db = sqlite_connection::open(path, why);
    if (!db) return errc::make_error_code(errc::io_error);
    // The version first, before anything writes: a newer shiftsync's file is left exactly as it was.
    db->run("setting busy_timeout", fmt::format("PRAGMA busy_timeout = {}", busy_timeout_ms).c_str());
    auto version = user_version(*db);
    if (!version) {
        why = db->failure() + "; is it a shiftsync state file? pass --state another path";
        return errc::make_error_code(errc::io_error);
    }
    if (*version > state_schema_version) {
        why = fmt::format(
            "state file {} has schema version {}, newer than the {} this shiftsync knows: a newer "
            "shiftsync wrote it; run that version, or pass --state another path (the file was not "
            "changed)",
            path, *version, state_schema_version);
        return errc::make_error_code(errc::protocol_not_supported);
    }
    std::string mode;
    if (!db->run("switching to WAL", "PRAGMA journal_mode = WAL", {},
                 [&](const sql_row& row) { mode = row.text(0); })) {
        why = db->failure();
        return errc::make_error_code(errc::io_error);
    }
    if (mode != "wal") {
        why = fmt::format(
            "state file {}: its file system does not support SQLite's WAL mode (journal mode stays '{}'), "
            "which two shiftsync processes need to share it; pass --state a path on a local disk",
            path, mode);
        return errc::make_error_code(errc::not_supported);
    }
    if (!db->run("setting synchronous", "PRAGMA synchronous = FULL") || !prepare_schema(*db)) {
        why = db->failure();
        return errc::make_error_code(errc::io_error);
    }
    return std::unique_ptr<state_store>(new state_store(std::move(db), path));
}

state_store::state_store(std::unique_ptr<detail::sqlite_connection> db, std::string path)
    : db_(std::move(db)), path_(std::move(path)) {}

state_store::~state_store() = default;

bool state_store::failed() {
    failure_ = db_->failure();
    return false;
}

std::optional<stream_state> state_store::get(const std::string& stream) {
    std::lock_guard lock(mutex_);
    std::optional<stream_state> found;
    auto sql = fmt::format("SELECT {} FROM streams WHERE stream = ?1", stream_columns);
    if (!db_->run("reading a stream", sql.c_str(), {stream}, [&](const sql_row& row) { found = read_stream(row); }))
        failed();
    return found;
}

std::vector<stream_state> state_store::list() {
    std::lock_guard lock(mutex_);
    std::vector<stream_state> all;
    auto sql = fmt::format("SELECT {} FROM streams ORDER BY stream", stream_columns);
    if (!db_->run("listing streams", sql.c_str(), {}, [&](const sql_row& row) { all.push_back(read_stream(row)); }))
        failed();
    return all;
}

bool state_store::begin_run(const std::string& stream, const std::string& run_id, std::int64_t now) {
    std::lock_guard lock(mutex_);
    write_transaction tx(*db_);
    bool ok =
        tx.began() &&
        db_->run("recording a run's start",
                 "INSERT INTO streams (stream, pending_run_id, status, started_at) VALUES (?1, ?2, 'running', ?3) "
                 "ON CONFLICT (stream) DO UPDATE SET pending_run_id = ?2, status = 'running', started_at = ?3",
                 {stream, run_id, now}) &&
        tx.commit();
    return ok || failed();
}

bool state_store::commit_run(const std::string& stream, const std::string& run_id,
                             const std::optional<std::string>& cursor, const std::string& cursor_column,
                             std::uint64_t rows, std::uint64_t bytes, std::int64_t now, double seconds) {
    std::lock_guard lock(mutex_);
    write_transaction tx(*db_);
    if (!tx.began()) return failed();
    std::optional<std::string> pending;
    if (!db_->run("reading the pending run", "SELECT pending_run_id FROM streams WHERE stream = ?1", {stream},
                  [&](const sql_row& row) { pending = row.text(0); }))
        return failed();
    if (pending != run_id) {
        db_->fail(
            fmt::format("state file {}: run {} of stream {} is not the run in progress ({}): the cursor was not "
                        "moved (was the stream reset while it ran?)",
                        path_, run_id, stream, pending && !pending->empty() ? "that is " + *pending : "there is none"));
        return failed();
    }
    bool ok = db_->run("recording a committed run",
                       "UPDATE streams SET cursor = ?2, cursor_column = ?3, last_run_id = ?4, pending_run_id = '', "
                       "status = 'succeeded', last_error = '', rows_last = ?5, rows_total = rows_total + ?5, "
                       "bytes_last = ?6, finished_at = ?7, seconds_last = ?8 WHERE stream = ?1",
                       {stream, detail::optional_text(cursor), cursor_column, run_id, count(rows), count(bytes), now,
                        seconds}) &&
              tx.commit();
    return ok || failed();
}

bool state_store::fail_run(const std::string& stream, const std::string& run_id, const std::string& status,
                           const std::string& error, std::int64_t now) {
    std::lock_guard lock(mutex_);
    if (status != "failed" && status != "interrupted") {
        failure_ = fmt::format("a run ends as \"failed\" or \"interrupted\", not \"{}\"", status);
        return false;
    }
    write_transaction tx(*db_);
    bool ok =
        tx.began() && db_->run("recording a failed run",
                               "UPDATE streams SET pending_run_id = '', status = ?3, last_error = ?4, finished_at = ?5 "
                               "WHERE stream = ?1 AND pending_run_id = ?2 AND ?2 <> ''",
                               {stream, run_id, status, error, now});
    if (ok && db_->changes() == 0)
        ok = db_->fail(
            fmt::format("state file {}: run {} of stream {} is not the run in progress", path_, run_id, stream));
    return (ok && tx.commit()) || failed();
}

bool state_store::adopt_cursor(const std::string& stream, const std::optional<std::string>& cursor,
                               const std::string& run_id) {
    std::lock_guard lock(mutex_);
    write_transaction tx(*db_);
    // A new row is "succeeded" when the destination names a run (one committed there), else "never".
    // An existing row's pending run that the destination shows committed is finished here too.
    bool ok = tx.began() &&
              db_->run("adopting the destination's cursor",
                       "INSERT INTO streams (stream, cursor, last_run_id, status) "
                       "VALUES (?1, ?2, ?3, CASE WHEN ?3 <> '' THEN 'succeeded' ELSE 'never' END) "
                       "ON CONFLICT (stream) DO UPDATE SET cursor = ?2, last_run_id = ?3, "
                       "status = CASE WHEN ?3 <> '' AND pending_run_id = ?3 THEN 'succeeded' ELSE status END, "
                       "pending_run_id = CASE WHEN ?3 <> '' AND pending_run_id = ?3 THEN '' ELSE pending_run_id END",
                       {stream, detail::optional_text(cursor), run_id}) &&
              tx.commit();
    return ok || failed();
}

bool state_store::reset(const std::string& stream) {
    std::lock_guard lock(mutex_);
    write_transaction tx(*db_);
    bool ok = tx.began() && db_->run("resetting a stream", "DELETE FROM streams WHERE stream = ?1", {stream});
    if (ok && db_->changes() == 0) ok = db_->fail(fmt::format("state file {} has no stream named {}", path_, stream));
    return (ok && tx.commit()) || failed();
}

bool state_store::add_inflight(const inflight_item& item) {
    std::lock_guard lock(mutex_);
    if (item.kind != "staging_prefix" && item.kind != "multipart_upload") {
        failure_ = fmt::format("an in-flight item is a staging_prefix or a multipart_upload, not \"{}\"", item.kind);
        return false;
    }
    write_transaction tx(*db_);
    bool ok = tx.began() &&
              db_->run("recording an in-flight item",
                       "INSERT OR REPLACE INTO inflight (stream, run_id, kind, bucket, key, upload_id, created_at) "
                       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                       {item.stream, item.run_id, item.kind, item.bucket, item.key, item.upload_id, item.created_at}) &&
              tx.commit();
    return ok || failed();
}

bool state_store::remove_inflight(const inflight_item& item) {
    std::lock_guard lock(mutex_);
    write_transaction tx(*db_);
    bool ok = tx.began() &&
              db_->run("removing an in-flight item",
                       "DELETE FROM inflight WHERE kind = ?1 AND bucket = ?2 AND key = ?3 AND upload_id = ?4",
                       {item.kind, item.bucket, item.key, item.upload_id}) &&
              tx.commit();
    return ok || failed();
}

std::vector<inflight_item> state_store::inflight() {
    std::lock_guard lock(mutex_);
    std::vector<inflight_item> items;
    if (!db_->run("listing in-flight items",
                  "SELECT stream, run_id, kind, bucket, key, upload_id, created_at FROM inflight "
                  "ORDER BY created_at, stream, key",
                  {}, [&](const sql_row& row) {
                      items.push_back({row.text(0), row.text(1), row.text(2), row.text(3), row.text(4), row.text(5),
                                       row.integer(6)});
                  }))
        failed();
    return items;
}

}  // namespace shiftsync::transfer::sync
