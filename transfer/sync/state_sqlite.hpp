#pragma once
// The few SQLite calls the state store makes, wrapped: a connection that closes itself, statements
// run with bound parameters in one call, and a write transaction that rolls back unless committed.
// Failures are sentences naming the file and what was being done, never exceptions.
//
// Internal to transfer/sync's state library (state_store.cpp, state_store_locks.cpp).
//
// Thread safety: none here; state_store serializes its calls with a mutex.

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <variant>

struct sqlite3;
struct sqlite3_stmt;

namespace shiftsync::transfer::sync::detail {

// A parameter: NULL, an integer, a real or text.
using sql_value = std::variant<std::nullptr_t, std::int64_t, double, std::string>;
sql_value optional_text(const std::optional<std::string>& text);

// One result row, read by column index.
class sql_row {
public:
    explicit sql_row(sqlite3_stmt* statement) : statement_(statement) {}
    std::string text(int column) const;  // NULL reads as ""
    std::optional<std::string> optional_text(int column) const;
    std::int64_t integer(int column) const;
    double real(int column) const;

private:
    sqlite3_stmt* statement_;
};

class sqlite_connection {
public:
    // Opens (creating) the file read-write. nullptr and `why` on failure.
    static std::unique_ptr<sqlite_connection> open(const std::string& path, std::string& why);
    ~sqlite_connection();
    sqlite_connection(const sqlite_connection&) = delete;
    sqlite_connection& operator=(const sqlite_connection&) = delete;

    // Runs `sql` (one statement) with `params` bound to ?1, ?2, ...; `on_row` sees each result row.
    // `doing` names the step in the failure sentence: "state file P: <doing>: <SQLite's message>".
    bool run(const char* doing, const char* sql, std::initializer_list<sql_value> params = {},
             const std::function<void(const sql_row&)>& on_row = {});
    // Statements without parameters or rows, several at once (the schema).
    bool script(const char* doing, const char* sql);
    // Rows the last INSERT/UPDATE/DELETE changed.
    std::int64_t changes() const;
    const std::string& path() const { return path_; }
    // The last failure, or a sentence a caller set with fail().
    const std::string& failure() const { return failure_; }
    bool fail(std::string why);

private:
    sqlite_connection(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
    bool sqlite_failed(const char* doing, int code);

    sqlite3* db_;
    std::string path_;
    std::string failure_;
};

// BEGIN IMMEDIATE: the write lock is taken up front, so two processes never deadlock upgrading a
// read to a write (SQLite would answer SQLITE_BUSY at once, past busy_timeout). Rolled back on
// destruction unless commit() succeeded: an early return leaves the file as it was.
class write_transaction {
public:
    explicit write_transaction(sqlite_connection& db);
    ~write_transaction();
    write_transaction(const write_transaction&) = delete;
    write_transaction& operator=(const write_transaction&) = delete;
    bool began() const { return began_; }
    bool commit();

private:
    sqlite_connection& db_;
    bool began_ = false;
    bool done_ = false;
};

}  // namespace shiftsync::transfer::sync::detail
