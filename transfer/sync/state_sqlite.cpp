#include "transfer/sync/state_sqlite.hpp"

#include <sqlite3.h>

#include <fmt/core.h>

namespace shiftsync::transfer::sync::detail {
namespace {

// Finalizes a prepared statement on every path out of run().
struct statement_guard {
    sqlite3_stmt* statement = nullptr;
    ~statement_guard() { sqlite3_finalize(statement); }
};

}  // namespace

sql_value optional_text(const std::optional<std::string>& text) {
    if (!text) return nullptr;
    return *text;
}

std::string sql_row::text(int column) const {
    const unsigned char* bytes = sqlite3_column_text(statement_, column);
    if (!bytes) return {};
    return std::string(reinterpret_cast<const char*>(bytes),
                       static_cast<std::size_t>(sqlite3_column_bytes(statement_, column)));
}

std::optional<std::string> sql_row::optional_text(int column) const {
    if (sqlite3_column_type(statement_, column) == SQLITE_NULL) return std::nullopt;
    return text(column);
}

std::int64_t sql_row::integer(int column) const {
    return sqlite3_column_int64(statement_, column);
}
double sql_row::real(int column) const {
    return sqlite3_column_double(statement_, column);
}

std::unique_ptr<sqlite_connection> sqlite_connection::open(const std::string& path, std::string& why) {
    sqlite3* db = nullptr;
    int code =
        sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
    if (code != SQLITE_OK) {
        why = fmt::format("state file {}: cannot open it: {}", path, db ? sqlite3_errmsg(db) : sqlite3_errstr(code));
        sqlite3_close(db);
        return nullptr;
    }
    sqlite3_extended_result_codes(db, 1);
    return std::unique_ptr<sqlite_connection>(new sqlite_connection(db, path));
}

sqlite_connection::~sqlite_connection() {
    sqlite3_close(db_);
}

bool sqlite_connection::fail(std::string why) {
    failure_ = std::move(why);
    return false;
}

bool sqlite_connection::sqlite_failed(const char* doing, int code) {
    std::string message = sqlite3_errmsg(db_);
    if ((code & 0xff) == SQLITE_BUSY)
        message +=
            " (another shiftsync process held the state file's write lock for longer than the busy timeout; "
            "try again when it is done)";
    return fail(fmt::format("state file {}: {}: {}", path_, doing, message));
}

bool sqlite_connection::run(const char* doing, const char* sql, std::initializer_list<sql_value> params,
                            const std::function<void(const sql_row&)>& on_row) {
    statement_guard guard;
    int code = sqlite3_prepare_v2(db_, sql, -1, &guard.statement, nullptr);
    if (code != SQLITE_OK) return sqlite_failed(doing, code);
    int index = 1;
    for (const auto& param : params) {
        if (std::holds_alternative<std::nullptr_t>(param))
            code = sqlite3_bind_null(guard.statement, index);
        else if (auto* i = std::get_if<std::int64_t>(&param))
            code = sqlite3_bind_int64(guard.statement, index, *i);
        else if (auto* d = std::get_if<double>(&param))
            code = sqlite3_bind_double(guard.statement, index, *d);
        else {
            const auto& s = std::get<std::string>(param);
            code = sqlite3_bind_text(guard.statement, index, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
        }
        if (code != SQLITE_OK) return sqlite_failed(doing, code);
        ++index;
    }
    while ((code = sqlite3_step(guard.statement)) == SQLITE_ROW)
        if (on_row) on_row(sql_row(guard.statement));
    if (code != SQLITE_DONE) return sqlite_failed(doing, code);
    return true;
}

bool sqlite_connection::script(const char* doing, const char* sql) {
    char* message = nullptr;
    int code = sqlite3_exec(db_, sql, nullptr, nullptr, &message);
    if (code == SQLITE_OK) return true;
    std::string text = message ? message : sqlite3_errstr(code);
    sqlite3_free(message);
    return fail(fmt::format("state file {}: {}: {}", path_, doing, text));
}

std::int64_t sqlite_connection::changes() const {
    return sqlite3_changes64(db_);
}

write_transaction::write_transaction(sqlite_connection& db) : db_(db) {
    began_ = db_.run("starting a write", "BEGIN IMMEDIATE");
}

write_transaction::~write_transaction() {
    if (began_ && !done_) {
        // Keep the first failure's sentence: it says why the rollback happened.
        std::string first = db_.failure();
        db_.run("rolling back", "ROLLBACK");
        db_.fail(std::move(first));
    }
}

bool write_transaction::commit() {
    if (!began_) return false;
    done_ = db_.run("committing", "COMMIT");
    return done_;
}

}  // namespace shiftsync::transfer::sync::detail
