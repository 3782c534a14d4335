// The backend side of a session: results in the order of the steps, turned into the client's
// messages; simple queries and UNLOAD/COPY outside pipeline mode.
#include "tools/localaws/pg_frontend/session.hpp"

#include <openssl/ssl.h>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <cstdio>

#include "tools/localaws/redshift/dialect/commands.hpp"
#include "tools/localaws/redshift/sql_scanner.hpp"
#include "tools/localaws/server/blocking.hpp"

namespace localaws::pg_frontend {
namespace asio = boost::asio;
using boost::system::error_code;

namespace {
constexpr std::size_t write_threshold = 64 * 1024;  // client output is sent once this much waits
constexpr std::uint32_t bytea_oid = 17, varbyte_oid = 6551;

char transaction_letter(PGconn* conn) {
    switch (PQtransactionStatus(conn)) {
        case PQTRANS_INTRANS: return 'T';
        case PQTRANS_INERROR: return 'E';
        default: return 'I';
    }
}

bool is_special(const std::string& sql) {
    return redshift::dialect::looks_like_unload(sql) || redshift::dialect::looks_like_s3_copy(sql);
}

bool is_transaction_control(const std::string& piece) {
    const std::string first = piece.substr(0, piece.find_first_of(" \t\r\n;"));
    for (const char* word : {"BEGIN", "START", "COMMIT", "END", "ROLLBACK", "ABORT"})
        if (redshift::iequals(first, word)) return true;
    return false;
}
}  // namespace

// Redshift's VARBYTE (bytea here) goes out as Redshift prints it: lowercase hex, no "\x", with
// VARBYTE's type OID.
std::uint32_t client_type_oid(std::uint32_t backend_oid) { return backend_oid == bytea_oid ? varbyte_oid : backend_oid; }

std::string_view client_value(std::uint32_t backend_oid, std::string_view text) {
    if (backend_oid == bytea_oid && text.size() >= 2 && text[0] == '\\' && text[1] == 'x') text.remove_prefix(2);
    return text;
}

void session::append_rows(PGresult* r, bool with_description) {
    const int fields = PQnfields(r);
    if (with_description) {
        std::vector<column_description> columns;
        for (int c = 0; c < fields; ++c)
            columns.push_back({PQfname(r, c), PQftable(r, c), static_cast<std::int16_t>(PQftablecol(r, c)),
                               client_type_oid(PQftype(r, c)), static_cast<std::int16_t>(PQfsize(r, c)), PQfmod(r, c)});
        append_row_description(out_, columns);
    }
    for (int row = 0; row < PQntuples(r); ++row) {
        writer w(out_, 'D');
        w.int16(static_cast<std::int16_t>(fields));
        for (int c = 0; c < fields; ++c) {
            if (PQgetisnull(r, row, c)) {
                w.int32(-1);
                continue;
            }
            auto value = client_value(PQftype(r, c), {PQgetvalue(r, row, c), static_cast<std::size_t>(PQgetlength(r, row, c))});
            w.int32(static_cast<std::int32_t>(value.size())).bytes(value);
        }
    }
}

void session::append_result_error(const PGresult* r) {
    error_fields fields;
    for (char code : {'S', 'V', 'C', 'M', 'D', 'H', 'P', 'p', 'q', 'W', 's', 't', 'c', 'd', 'n', 'F', 'L', 'R'})
        if (const char* v = PQresultErrorField(r, code)) fields.emplace_back(code, v);
    if (fields.empty()) {  // libpq's own failure
        std::string text = PQresultErrorMessage(r);
        while (!text.empty() && text.back() == '\n') text.pop_back();
        fields = {{'S', "ERROR"}, {'V', "ERROR"}, {'C', "08006"}, {'M', text}};
    }
    append_error(out_, fields);
}

void session::take_result(step& s, PGresult* r) {
    const ExecStatusType status = PQresultStatus(r);
    if (status == PGRES_PIPELINE_ABORTED) return;
    if (status == PGRES_FATAL_ERROR || status == PGRES_NONFATAL_ERROR || status == PGRES_BAD_RESPONSE) {
        if (aborted_) return;
        if (s.kind == step_kind::close_statement) {  // closing what does not exist is no error
            append_simple(out_, '3');
            return;
        }
        append_result_error(r);
        aborted_ = true;
        return;
    }
    if (aborted_) return;
    switch (s.kind) {
        case step_kind::parse: append_simple(out_, '1'); return;
        case step_kind::close_statement: append_simple(out_, '3'); return;
        case step_kind::describe_statement: {
            writer w(out_, 't');
            w.int16(static_cast<std::int16_t>(PQnparams(r)));
            for (int i = 0; i < PQnparams(r); ++i) w.int32(static_cast<std::int32_t>(PQparamtype(r, i)));
        }
            [[fallthrough]];
        case step_kind::describe_portal:
            if (PQnfields(r) > 0)
                append_rows(r, true);
            else
                append_simple(out_, 'n');
            return;
        case step_kind::execute:
            if (status == PGRES_SINGLE_TUPLE || status == PGRES_TUPLES_OK) append_rows(r, false);
            if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK) append_command_complete(out_, PQcmdStatus(r));
            if (status == PGRES_EMPTY_QUERY) append_simple(out_, 'I');
            if (status == PGRES_COPY_IN || status == PGRES_COPY_OUT) {
                append_error(out_, "0A000", "COPY with STDIN or STDOUT is not supported by localaws's endpoint");
                aborted_ = true;
            }
            return;
        default: return;
    }
}

asio::awaitable<bool> session::result_ready() {
    PGconn* conn = backend_->native();
    for (;;) {
        if (done_) co_return false;
        if (!PQisBusy(conn)) co_return true;
        // Bytes TLS already decrypted never show up in poll: read them before waiting.
        auto* ssl = static_cast<SSL*>(PQsslStruct(conn, "OpenSSL"));
        if (ssl && SSL_pending(ssl) > 0) {
            if (!PQconsumeInput(conn)) break;
            continue;
        }
        if (!out_.empty()) {  // the client gets what is ready before we wait for more
            if (!co_await write_out()) co_return false;
            continue;
        }
        error_code ec;
        co_await backend_socket_->async_wait(asio::posix::descriptor_base::wait_read,
                                             asio::redirect_error(asio::use_awaitable, ec));
        if (ec) co_return false;
        if (!PQconsumeInput(conn)) break;
    }
    broken(std::string("PostgreSQL connection lost: ") + PQerrorMessage(conn));
    co_return false;
}

asio::awaitable<void> session::pump() {
    PGconn* conn = backend_->native();
    while (!done_) {
        if (steps_.empty()) {
            reader_wake_.cancel();
            if (!co_await write_out()) break;
            if (!steps_.empty() || done_) continue;
            pump_wake_.expires_at(asio::steady_timer::time_point::max());
            error_code ec;
            co_await pump_wake_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            continue;
        }
        step& s = steps_.front();
        bool finished = true;
        switch (s.kind) {
            case step_kind::local:
                if (!aborted_) out_ += s.text;
                break;
            case step_kind::local_error:
                if (!aborted_) out_ += s.text;
                aborted_ = true;
                break;
            case step_kind::simple_query: {
                const std::string sql = std::move(s.text);
                co_await run_simple_query(sql);
                break;
            }
            case step_kind::special: {
                if (aborted_) break;
                const std::string sql = std::move(s.text);
                leave_pipeline();
                if (!co_await run_special(sql)) aborted_ = true;
                enter_pipeline();
                break;
            }
            default: {
                if (!co_await result_ready()) co_return;
                if (s.kind == step_kind::execute && !s.single_row_asked) {
                    s.single_row_asked = true;
                    PQsetSingleRowMode(conn);  // right before the statement's first result, as libpq asks
                }
                PGresult* r = PQgetResult(conn);
                if (s.kind == step_kind::sync) {
                    if (!r || PQresultStatus(r) != PGRES_PIPELINE_SYNC) {
                        if (r) PQclear(r);
                        broken("PostgreSQL's results went out of step with the client's messages");
                        co_return;
                    }
                    PQclear(r);
                    aborted_ = false;
                    send_parameter_changes();
                    append_ready(out_, transaction_letter(conn));
                    break;
                }
                if (r) {
                    take_result(s, r);
                    PQclear(r);
                    finished = false;
                }
                break;
            }
        }
        if (finished) {
            steps_.pop_front();
            if (steps_.empty() || steps_.size() + 1 == 4096) reader_wake_.cancel();
        }
        if (out_.size() >= write_threshold && !co_await write_out()) break;
    }
    done_ = true;
    reader_wake_.cancel();
}

void session::leave_pipeline() {
    if (PQpipelineStatus(backend_->native()) != PQ_PIPELINE_OFF && PQexitPipelineMode(backend_->native()) != 1)
        broken(std::string("cannot leave pipeline mode: ") + PQerrorMessage(backend_->native()));
}

void session::enter_pipeline() {
    if (PQpipelineStatus(backend_->native()) == PQ_PIPELINE_OFF && PQenterPipelineMode(backend_->native()) != 1)
        broken(std::string("cannot enter pipeline mode: ") + PQerrorMessage(backend_->native()));
}

asio::awaitable<void> session::run_simple_query(const std::string& sql) {
    leave_pipeline();
    if (done_) co_return;
    const auto pieces = redshift::split_statements(sql);
    const bool any_special = std::any_of(pieces.begin(), pieces.end(), is_special);
    if (!any_special) {
        const std::string text = dialect_->rewrite ? dialect_->rewrite(sql) : sql;
        co_await run_backend_text(text, false);
    } else {
        // PostgreSQL cannot take the text whole: piece by piece, in one transaction as the simple
        // protocol would (unless the text manages its own), as the Data API does.
        const bool wrap = pieces.size() > 1 && PQtransactionStatus(backend_->native()) == PQTRANS_IDLE &&
                          std::none_of(pieces.begin(), pieces.end(), is_transaction_control);
        const std::string begin = "BEGIN";
        if (wrap) co_await run_backend_text(begin, true);
        bool ok = true;
        for (const auto& piece : pieces) {
            if (is_special(piece)) {
                ok = co_await run_special(piece);
            } else {
                const std::string text = dialect_->rewrite ? dialect_->rewrite(piece) : piece;
                ok = co_await run_backend_text(text, false);
            }
            if (!ok || done_) break;
        }
        const std::string end = ok ? "COMMIT" : "ROLLBACK";
        if (wrap && !done_) co_await run_backend_text(end, true);
    }
    if (done_) co_return;
    enter_pipeline();
    aborted_ = false;
    send_parameter_changes();
    append_ready(out_, transaction_letter(backend_->native()));
}

asio::awaitable<bool> session::run_backend_text(const std::string& sql, bool quiet) {
    PGconn* conn = backend_->native();
    if (PQsendQuery(conn, sql.c_str()) != 1) {
        broken(std::string("libpq refused a query: ") + PQerrorMessage(conn));
        co_return false;
    }
    PQsetSingleRowMode(conn);
    if (!co_await flush_backend()) co_return false;
    bool ok = true, in_set = false;
    for (;;) {
        if (!co_await result_ready()) co_return false;
        PGresult* r = PQgetResult(conn);
        if (!r) break;
        switch (PQresultStatus(r)) {
            case PGRES_SINGLE_TUPLE:
                if (!quiet) append_rows(r, !in_set);
                in_set = true;
                break;
            case PGRES_TUPLES_OK:
                if (!quiet) {
                    append_rows(r, !in_set);
                    append_command_complete(out_, PQcmdStatus(r));
                }
                in_set = false;
                break;
            case PGRES_COMMAND_OK:
                if (!quiet) append_command_complete(out_, PQcmdStatus(r));
                break;
            case PGRES_EMPTY_QUERY:
                if (!quiet) append_simple(out_, 'I');
                break;
            case PGRES_COPY_IN:
                // The client was never told to send COPY data: PostgreSQL ends the COPY with this error.
                PQputCopyEnd(conn, "COPY FROM STDIN is not supported by localaws's endpoint");
                break;
            case PGRES_COPY_OUT: {
                PQsetnonblocking(conn, 0);
                char* buffer = nullptr;
                while (PQgetCopyData(conn, &buffer, 0) > 0) PQfreemem(buffer);
                PQsetnonblocking(conn, 1);
                append_error(out_, "0A000", "COPY TO STDOUT is not supported by localaws's endpoint");
                ok = false;
                break;
            }
            default:
                append_result_error(r);
                ok = false;
                break;
        }
        PQclear(r);
        if (out_.size() >= write_threshold && !co_await write_out()) co_return false;
    }
    co_return ok;
}

asio::awaitable<bool> session::run_special(const std::string& sql) {
    PGconn* conn = backend_->native();
    cancel_requested_ = false;
    data_api::caller who;
    who.identity.db_user = user_;
    PQsetnonblocking(conn, 0);
    auto work = [this, sql, who]() -> std::optional<data_api::run_outcome> {
        const data_api::cancel_probe cancelled = [this] { return cancel_requested_.load(); };
        return dialect_->run_special(*backend_, sql, who, cancelled);
    };
    std::optional<data_api::run_outcome> outcome = co_await offload(shared_.pool, std::move(work));
    PQsetnonblocking(conn, 1);
    if (!outcome) {
        const std::string text = dialect_->rewrite ? dialect_->rewrite(sql) : sql;
        co_return co_await run_backend_text(text, false);
    }
    if (!outcome->status.ok) {
        const std::string sqlstate = outcome->status.sqlstate.empty() ? "XX000" : outcome->status.sqlstate;
        if (sqlstate == "XX000" || sqlstate.starts_with("08"))
            std::fprintf(stderr, "localaws: endpoint session of %s: UNLOAD/COPY failed: %s\n", user_.c_str(),
                         outcome->status.message.c_str());
        append_error(out_, sqlstate, outcome->status.message);
        co_return false;
    }
    const bool unload = redshift::dialect::looks_like_unload(sql);
    const std::string rows = std::to_string(std::max<std::int64_t>(outcome->result_rows, 0));
    // Redshift's words, as an INFO notice, then its command tag.
    const std::string info = unload ? "UNLOAD completed, " + rows + " record(s) unloaded successfully."
                                    : "Load into table completed, " + rows + " record(s) loaded successfully.";
    append_error(out_, {{'S', "INFO"}, {'V', "INFO"}, {'C', "00000"}, {'M', info}}, 'N');
    append_command_complete(out_, unload ? "UNLOAD" : "COPY");
    co_return true;
}

}  // namespace localaws::pg_frontend
