#include "tools/localaws/redshift/pg/connection.hpp"

namespace localaws::redshift::pg {
namespace {

// libpq's texts start "FATAL:  " (two spaces), connection::open's "FATAL: ": either prefix moves
// into `severity`.
void take_severity_prefix(command_status& status) {
    for (const char* level : {"ERROR", "FATAL", "PANIC"}) {
        const std::string prefix = std::string(level) + ":";
        if (status.message.compare(0, prefix.size(), prefix) != 0) continue;
        status.severity = level;
        std::size_t text = status.message.find_first_not_of(' ', prefix.size());
        status.message.erase(0, text == std::string::npos ? status.message.size() : text);
        return;
    }
}

}  // namespace

command_status connection_failure(const std::string& open_error) {
    command_status status{false, "08006", open_error, {}};
    take_severity_prefix(status);
    return status;
}

std::string error_text(const command_status& status) {
    return (status.severity.empty() ? std::string("ERROR") : status.severity) + ": " + status.message;
}

command_status status_of(const PGresult* result, PGconn* conn) {
    command_status status;
    ExecStatusType s = result ? PQresultStatus(result) : PGRES_FATAL_ERROR;
    if (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK || s == PGRES_SINGLE_TUPLE || s == PGRES_EMPTY_QUERY ||
        s == PGRES_COPY_OUT || s == PGRES_COPY_IN)
        return status;
    status.ok = false;
    if (result) {
        const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
        const char* primary = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
        const char* severity = PQresultErrorField(result, PG_DIAG_SEVERITY_NONLOCALIZED);
        if (state) status.sqlstate = state;
        if (primary) status.message = primary;
        if (severity && primary) status.severity = severity;
    }
    if (status.message.empty()) {
        status.message = conn ? PQerrorMessage(conn) : "no result";
        while (!status.message.empty() && status.message.back() == '\n') status.message.pop_back();
        take_severity_prefix(status);
    }
    return status;
}

std::unique_ptr<connection> connection::open(const std::string& conninfo, std::string& error) {
    PGconn* conn = PQconnectdb(conninfo.c_str());
    if (PQstatus(conn) != CONNECTION_OK) {
        error = PQerrorMessage(conn);
        while (!error.empty() && error.back() == '\n') error.pop_back();
        // "connection to server on socket \"/…/.s.PGSQL.5432\" failed: FATAL:  database \"x\" does
        // not exist": the server's words are what a Redshift user would see; the path is ours.
        if (auto fatal = error.find("FATAL:  "); fatal != std::string::npos) error = "FATAL: " + error.substr(fatal + 8);
        PQfinish(conn);
        return nullptr;
    }
    // NOTICEs ("role is already a member…") are chatter, not errors; libpq prints them to stderr.
    PQsetNoticeProcessor(conn, [](void*, const char*) {}, nullptr);
    return std::unique_ptr<connection>(new connection(conn));
}

connection::~connection() { PQfinish(conn_); }

result_ptr connection::exec(const std::string& sql, command_status& status) {
    result_ptr r(PQexec(conn_, sql.c_str()));
    status = status_of(r.get(), conn_);
    return r;
}

result_ptr connection::exec_params(const std::string& sql, const std::vector<std::string>& params,
                                   command_status& status) {
    std::vector<const char*> values;
    for (const auto& p : params) values.push_back(p.c_str());
    result_ptr r(PQexecParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr,
                              nullptr, 0));
    status = status_of(r.get(), conn_);
    return r;
}

std::string connection::run(const std::string& sql) {
    command_status status;
    exec(sql, status);
    return status.ok ? std::string{} : status.message;
}

void connection::request_cancel() {
    if (PGcancel* cancel = PQgetCancel(conn_)) {
        char ignored[256];
        PQcancel(cancel, ignored, sizeof ignored);
        PQfreeCancel(cancel);
    }
}

std::string quote_identifier(std::string_view name) {
    std::string out = "\"";
    for (char c : name) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

std::string quote_literal(std::string_view value) {
    // A backslash means one thing in E'…' whatever standard_conforming_strings says; localaws's
    // sessions run with it off (as Redshift's literals), PostgreSQL's default is on.
    const bool escape = value.find('\\') != std::string_view::npos;
    std::string out = escape ? "E'" : "'";
    for (char c : value) {
        if (c == '\'' || (escape && c == '\\')) out += c;
        out += c;
    }
    return out + "'";
}

std::string connection::quote_identifier(std::string_view name) const { return pg::quote_identifier(name); }
std::string connection::quote_literal(std::string_view value) const { return pg::quote_literal(value); }

}  // namespace localaws::redshift::pg
