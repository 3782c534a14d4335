#pragma once
// A thin RAII layer over libpq: one connection, results owned by unique_ptr, and the quoting
// helpers every SQL-building caller needs. Blocking; each connection is used by one thread at a time.

#include <libpq-fe.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace localaws::redshift::pg {

struct result_deleter {
    void operator()(PGresult* r) const { PQclear(r); }
};
using result_ptr = std::unique_ptr<PGresult, result_deleter>;

// The outcome of one command: ok, or PostgreSQL's error with its SQLSTATE.
struct command_status {
    bool ok = true;
    std::string sqlstate;
    std::string message;   // primary message, as PostgreSQL words it, without a severity prefix
    std::string severity;  // "ERROR", "FATAL" or "PANIC" as PostgreSQL reports it; empty means ERROR
    explicit operator bool() const { return ok; }
};

// The status of a failed (or successful) result. Without a result, libpq's own error text.
command_status status_of(const PGresult* result, PGconn* conn);
// A failed connection attempt (connection::open's error, such as "FATAL: database \"x\" does not
// exist"): the severity prefix moves into `severity`, so it is shown once.
command_status connection_failure(const std::string& open_error);
// What Redshift's Error field shows: "<SEVERITY>: <message>", e.g. "ERROR: division by zero".
std::string error_text(const command_status& status);

class connection {
public:
    // Connects synchronously; on failure returns nullptr and sets `error` (never contains a password).
    static std::unique_ptr<connection> open(const std::string& conninfo, std::string& error);
    ~connection();
    connection(const connection&) = delete;
    connection& operator=(const connection&) = delete;

    PGconn* native() const { return conn_; }
    bool healthy() const { return PQstatus(conn_) == CONNECTION_OK; }
    int backend_pid() const { return PQbackendPID(conn_); }

    // Runs SQL (one or more commands) and returns the last result; status says whether it failed.
    result_ptr exec(const std::string& sql, command_status& status);
    // Runs one command with text parameters ($1, $2, …).
    result_ptr exec_params(const std::string& sql, const std::vector<std::string>& params, command_status& status);
    // Convenience for setup code: runs SQL, returns an empty string or the error message.
    std::string run(const std::string& sql);
    // Asks the server to cancel the command this connection is running (a cancel request over a
    // second connection). PostgreSQL ignores it when the backend is waiting for a command.
    void request_cancel();

    std::string quote_identifier(std::string_view name) const;
    std::string quote_literal(std::string_view value) const;

private:
    explicit connection(PGconn* conn) : conn_(conn) {}
    PGconn* conn_;
};

// Identifier quoting without a connection (PostgreSQL's rule: double the double quotes).
std::string quote_identifier(std::string_view name);
// Literal quoting without a connection, right whatever standard_conforming_strings is: quotes
// doubled, and a value with a backslash as E'…' with the backslashes doubled.
std::string quote_literal(std::string_view value);

}  // namespace localaws::redshift::pg
