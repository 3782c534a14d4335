#include "transfer/postgres/postgres_session.hpp"

#include <libpq-fe.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <memory>

namespace shiftsync::transfer::postgres {

namespace {

struct result_deleter {
    void operator()(PGresult* r) const { PQclear(r); }
};
using result_ptr = std::unique_ptr<PGresult, result_deleter>;

// libpq's multi-line messages ("…failed: Connection refused\n\tIs the server running…") on one line.
std::string one_line(const char* text) {
    std::string out;
    bool space = false;
    for (const char* p = text ? text : ""; *p; ++p) {
        if (*p == '\n' || *p == '\t' || *p == '\r') {
            space = !out.empty();
            continue;
        }
        if (space) out += ' ';
        space = false;
        out += *p;
    }
    return out;
}

// Notices (a NOTICE from a trigger, say) would go to stderr by default; the sink has nothing to
// say about them.
void ignore_notice(void*, const char*) {}

}  // namespace

postgres_session::postgres_session(std::string conninfo, conninfo_summary summary, int connect_timeout_seconds,
                                   std::string application_name)
    : conninfo_(std::move(conninfo)), summary_(std::move(summary)), connect_timeout_(connect_timeout_seconds),
      application_name_(std::move(application_name)) {}

postgres_session::~postgres_session() { close_without_waiting(); }

bool postgres_session::fail(std::string text) {
    if (conn_) text += " (PostgreSQL at " + where() + ")";
    failure_ = mask_secrets(std::move(text), summary_.secrets);
    return false;
}

std::string postgres_session::where() const {
    if (!conn_) return summary_.label();
    conninfo_summary live = summary_;
    if (const char* h = PQhost(conn_); h && *h) live.host = h;
    if (const char* p = PQport(conn_); p && *p) live.port = p;
    if (const char* d = PQdb(conn_); d && *d) live.dbname = d;
    if (const char* u = PQuser(conn_); u && *u) live.user = u;
    return live.label();
}

std::string postgres_session::server_error(const void* opaque) const {
    const auto* res = static_cast<const PGresult*>(opaque);
    if (!res) return one_line(conn_ ? PQerrorMessage(conn_) : "no connection");
    const char* primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
    if (!primary) {
        std::string text = one_line(PQresultErrorMessage(res));
        return text.empty() ? one_line(PQerrorMessage(conn_)) : text;
    }
    std::string text = primary;
    if (const char* detail = PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL)) text += " (" + one_line(detail) + ")";
    if (const char* hint = PQresultErrorField(res, PG_DIAG_MESSAGE_HINT)) text += "; hint: " + one_line(hint);
    // For COPY the context names the line and column: "COPY t, line 3, column d: "…"".
    if (const char* context = PQresultErrorField(res, PG_DIAG_CONTEXT)) text += "; " + one_line(context);
    if (const char* state = PQresultErrorField(res, PG_DIAG_SQLSTATE)) text += std::string(" [SQLSTATE ") + state + "]";
    return text;
}

bool postgres_session::connect() {
    // The caller's string comes after the defaults (so it may set its own timeout or name) and
    // before the encoding (canonical text is UTF-8, whatever PGCLIENTENCODING says).
    std::string timeout = std::to_string(connect_timeout_);
    const char* keys[] = {"connect_timeout", "application_name", "dbname", "client_encoding", nullptr};
    const char* values[] = {timeout.c_str(), application_name_.c_str(), conninfo_.c_str(), "UTF8", nullptr};
    conn_ = PQconnectdbParams(keys, values, 1);
    if (!conn_) return fail("cannot connect to PostgreSQL at " + summary_.label() + ": out of memory");
    if (PQstatus(conn_) != CONNECTION_OK) {
        std::string text = "cannot connect to PostgreSQL at " + where() + ": " + one_line(PQerrorMessage(conn_));
        PQfinish(conn_);
        conn_ = nullptr;
        return fail(std::move(text));
    }
    PQsetNoticeProcessor(conn_, ignore_notice, nullptr);
    return true;
}

bool postgres_session::exec(const std::string& sql, std::string_view what) {
    if (!conn_) return fail(std::string(what) + ": the connection is closed");
    result_ptr res(PQexec(conn_, sql.c_str()));
    auto status = res ? PQresultStatus(res.get()) : PGRES_FATAL_ERROR;
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return true;
    return fail(std::string(what) + " failed: " + server_error(res.get()));
}

std::optional<std::vector<postgres_session::row>> postgres_session::query(const std::string& sql,
                                                                          const std::vector<std::string>& params,
                                                                          std::string_view what) {
    if (!conn_) {
        fail(std::string(what) + ": the connection is closed");
        return std::nullopt;
    }
    std::vector<const char*> values;
    for (const auto& p : params) values.push_back(p.c_str());
    result_ptr res(PQexecParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr,
                                nullptr, 0));
    if (!res || PQresultStatus(res.get()) != PGRES_TUPLES_OK) {
        fail(std::string(what) + " failed: " + server_error(res.get()));
        return std::nullopt;
    }
    std::vector<row> rows(static_cast<std::size_t>(PQntuples(res.get())));
    for (int r = 0; r < PQntuples(res.get()); ++r)
        for (int c = 0; c < PQnfields(res.get()); ++c)
            rows[r].push_back(PQgetisnull(res.get(), r, c) ? std::nullopt
                                                            : std::optional<std::string>(PQgetvalue(res.get(), r, c)));
    return rows;
}

std::optional<std::vector<postgres_session::described_column>> postgres_session::describe(const std::string& sql,
                                                                                         std::string_view what) {
    if (!conn_) {
        fail(std::string(what) + ": the connection is closed");
        return std::nullopt;
    }
    result_ptr prepared(PQprepare(conn_, "", sql.c_str(), 0, nullptr));
    if (!prepared || PQresultStatus(prepared.get()) != PGRES_COMMAND_OK) {
        fail(std::string(what) + " failed: " + server_error(prepared.get()));
        return std::nullopt;
    }
    result_ptr res(PQdescribePrepared(conn_, ""));
    if (!res || PQresultStatus(res.get()) != PGRES_COMMAND_OK) {
        fail(std::string(what) + " failed: " + server_error(res.get()));
        return std::nullopt;
    }
    std::vector<described_column> out;
    for (int c = 0; c < PQnfields(res.get()); ++c)
        out.push_back({PQfname(res.get(), c), PQftype(res.get(), c), PQfmod(res.get(), c)});
    return out;
}

bool postgres_session::copy_out_begin(const std::string& sql) {
    if (!conn_) return fail("starting the COPY: the connection is closed");
    result_ptr res(PQexec(conn_, sql.c_str()));
    if (!res || PQresultStatus(res.get()) != PGRES_COPY_OUT)
        return fail("the query failed: " + server_error(res.get()));
    return true;
}

bool postgres_session::copy_out_read(std::string& out, std::size_t at_least, bool& ended) {
    ended = false;
    if (!conn_) return fail("reading the COPY: the connection is closed");
    while (out.size() < at_least) {
        char* row = nullptr;
        int n = PQgetCopyData(conn_, &row, 0);  // blocking: this runs on a pool thread
        if (n > 0) {
            out.append(row, static_cast<std::size_t>(n));
            PQfreemem(row);
            continue;
        }
        if (row) PQfreemem(row);
        if (n == -2) return fail("reading the query's rows failed: " + one_line(PQerrorMessage(conn_)));
        // -1: the COPY is over; its result says whether it completed (a failure mid-query lands here).
        std::string error;
        while (result_ptr res{PQgetResult(conn_)})
            if (PQresultStatus(res.get()) != PGRES_COMMAND_OK && error.empty()) error = server_error(res.get());
        if (!error.empty()) return fail("the query failed while its rows were read: " + error);
        ended = true;
        return true;
    }
    return true;
}

bool postgres_session::copy_begin(const std::string& sql) {
    if (!conn_) return fail("starting the COPY: the connection is closed");
    result_ptr res(PQexec(conn_, sql.c_str()));
    if (!res || PQresultStatus(res.get()) != PGRES_COPY_IN)
        return fail("starting the COPY failed: " + server_error(res.get()));
    in_copy_ = true;
    return true;
}

bool postgres_session::copy_put(std::string_view data) {
    if (!conn_) return fail("the COPY: the connection is closed");
    // One CopyData message per MiB at most: the server's buffer for a message stays small.
    constexpr std::size_t piece = 1 << 20;
    while (!data.empty()) {
        std::size_t n = std::min(piece, data.size());
        if (PQputCopyData(conn_, data.data(), static_cast<int>(n)) != 1) break;
        data.remove_prefix(n);
    }
    if (data.empty() && PQflush(conn_) == 0) return true;
    // The server refused a row (its error arrived meanwhile) or the connection broke: the
    // refusal is the result waiting to be read.
    std::string text = one_line(PQerrorMessage(conn_));
    in_copy_ = false;
    bool ended = false;
    for (;;) {
        result_ptr res(PQgetResult(conn_));
        if (!res) break;
        if (PQresultStatus(res.get()) == PGRES_FATAL_ERROR) text = server_error(res.get());
        if (PQresultStatus(res.get()) == PGRES_COPY_IN) {
            // Still in COPY (the socket failed, not the server): end it once, or give up on
            // reading (PQgetResult would answer COPY_IN forever).
            if (ended || PQputCopyEnd(conn_, "shiftsync could not send a batch") != 1) break;
            ended = true;
        }
    }
    return fail("the COPY failed: " + text);
}

std::optional<std::uint64_t> postgres_session::copy_end() {
    if (!conn_) {
        fail("ending the COPY: the connection is closed");
        return std::nullopt;
    }
    in_copy_ = false;
    if (PQputCopyEnd(conn_, nullptr) != 1) {
        fail("ending the COPY failed: " + one_line(PQerrorMessage(conn_)));
        return std::nullopt;
    }
    std::optional<std::uint64_t> stored;
    std::string error;
    for (;;) {
        result_ptr res(PQgetResult(conn_));
        if (!res) break;
        if (PQresultStatus(res.get()) == PGRES_COMMAND_OK) {
            const char* tuples = PQcmdTuples(res.get());
            std::uint64_t n = 0;
            auto [end, ec] = std::from_chars(tuples, tuples + std::strlen(tuples), n);
            if (ec == std::errc() && *end == '\0') stored = n;
        } else if (error.empty()) {
            error = server_error(res.get());
        }
    }
    if (!error.empty() || !stored) {
        fail("the COPY failed: " + (error.empty() ? std::string("the server gave no row count") : error));
        return std::nullopt;
    }
    return stored;
}

bool postgres_session::commit() {
    if (!conn_) return fail("COMMIT: the connection is closed");
    result_ptr res(PQexec(conn_, "COMMIT"));
    if (!res || PQstatus(conn_) != CONNECTION_OK)
        return fail("the COMMIT's outcome is unknown: the connection broke (" + one_line(PQerrorMessage(conn_)) + ")");
    if (PQresultStatus(res.get()) != PGRES_COMMAND_OK) return fail("COMMIT failed: " + server_error(res.get()));
    if (std::strcmp(PQcmdStatus(res.get()), "COMMIT") != 0)
        return fail("COMMIT was answered with " + std::string(PQcmdStatus(res.get())) +
                    ": the transaction had failed and nothing was stored");
    return true;
}

void postgres_session::rollback_and_close() noexcept {
    if (!conn_) return;
    if (in_copy_) {
        in_copy_ = false;
        if (PQputCopyEnd(conn_, "shiftsync abandoned the extract") == 1)
            while (result_ptr res{PQgetResult(conn_)}) {
            }
    }
    auto state = PQtransactionStatus(conn_);
    if (state == PQTRANS_INTRANS || state == PQTRANS_INERROR) result_ptr(PQexec(conn_, "ROLLBACK"));
    PQfinish(conn_);
    conn_ = nullptr;
}

void postgres_session::close_without_waiting() noexcept {
    if (!conn_) return;
    // copy_put flushed everything, so switching modes (which flushes) does not wait.
    if (PQsetnonblocking(conn_, 1) == 0) {
        if (in_copy_) PQputCopyEnd(conn_, "shiftsync abandoned the extract");
        else if (PQtransactionStatus(conn_) == PQTRANS_INTRANS || PQtransactionStatus(conn_) == PQTRANS_INERROR)
            PQsendQuery(conn_, "ROLLBACK");
        PQflush(conn_);
    }
    in_copy_ = false;
    PQfinish(conn_);
    conn_ = nullptr;
}

}  // namespace shiftsync::transfer::postgres
