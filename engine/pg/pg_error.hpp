#pragma once
// The PostgreSQL client's failures, and what the server said. Like aws::diagnostics: the code says
// what kind of failure; pg_diagnostics keeps the server's own words (SQLSTATE, message, detail,
// hint) apart from the client's. Never holds a password: libpq's connection errors do not echo
// it, and the conninfo is never copied in here.

#include <boost/system/error_code.hpp>

#include <string>
#include <type_traits>

namespace shiftsync::engine::pg {

enum class errc {
    connect_failed = 1,  // no connection: unreachable, refused, TLS, authentication (see diagnostics)
    statement_failed,    // the server refused the statement (diagnostics.sqlstate and message)
    pipeline_aborted,    // an earlier statement of the same pipeline segment failed
    connection_lost,     // the connection broke; statements without a result may or may not have run
    cancelled,           // the caller gave up; the server was asked to cancel the statement
    closed,              // the connection was closed before the statement was sent
};

const boost::system::error_category& pg_category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), pg_category()}; }

struct pg_diagnostics {
    std::string sqlstate;  // "42P01"
    std::string message;   // the server's primary message, or libpq's for connection failures
    std::string detail;
    std::string hint;
    std::string client_note;  // shiftsync's own explanation and advice

    // "42P01: relation \"x\" does not exist (detail: …) (hint: …). <note>"
    std::string to_string() const;
};

}  // namespace shiftsync::engine::pg

template <>
struct boost::system::is_error_code_enum<shiftsync::engine::pg::errc> : std::true_type {};
