#include "tools/localaws/data_api/statement_runner.hpp"

#include <poll.h>

#include <cerrno>
#include <cstdlib>
#include <map>

#include "tools/localaws/data_api/redshift_types.hpp"

namespace localaws::data_api {
namespace pg = redshift::pg;
namespace {

std::vector<column_info> columns_of(const PGresult* r, std::vector<std::pair<unsigned, int>>& sources) {
    std::vector<column_info> columns;
    sources.clear();
    for (int c = 0; c < PQnfields(r); ++c) {
        column_info info;
        info.name = PQfname(r, c);
        info.type_oid = PQftype(r, c);
        info.type_modifier = PQfmod(r, c);
        info.type_name = short_type_name(info.type_oid);
        columns.push_back(std::move(info));
        sources.emplace_back(PQftable(r, c), PQftablecol(r, c));
    }
    return columns;
}

void drain_copy(PGconn* conn, ExecStatusType kind) {
    if (kind == PGRES_COPY_IN) {
        PQputCopyEnd(conn, "COPY FROM STDIN is not available through the Data API");
        return;
    }
    char* buffer = nullptr;
    while (PQgetCopyData(conn, &buffer, 0) > 0) PQfreemem(buffer);
}

// Cancel requests for one connection; the PGcancel is made on first use.
class canceller {
public:
    explicit canceller(PGconn* conn) : conn_(conn) {}
    ~canceller() {
        if (cancel_) PQfreeCancel(cancel_);
    }
    canceller(const canceller&) = delete;
    canceller& operator=(const canceller&) = delete;
    void send() {
        if (!cancel_) cancel_ = PQgetCancel(conn_);
        char ignored[256];
        if (cancel_) PQcancel(cancel_, ignored, sizeof ignored);
    }

private:
    PGconn* conn_;
    PGcancel* cancel_ = nullptr;
};

// Waits until PQgetResult will not block. While the statement is cancelled, the cancel is sent
// again every interval: the first one may have reached the backend before the query did.
void wait_for_result(PGconn* conn, const cancel_probe& cancelled, canceller& cancel) {
    constexpr int resend_interval_ms = 100;
    while (PQisBusy(conn)) {
        pollfd readable{PQsocket(conn), POLLIN, 0};
        if (readable.fd < 0) return;  // no connection: PQgetResult says so
        int ready = ::poll(&readable, 1, cancelled ? resend_interval_ms : -1);
        if (ready < 0 && errno != EINTR) return;
        if (ready == 0 && cancelled()) cancel.send();
        // Also after a timeout: data an encrypting layer already holds never shows up in poll.
        if (!PQconsumeInput(conn)) return;  // the connection broke: PQgetResult reports it
    }
}

}  // namespace

pg::command_status cancelled_status() { return {false, "57014", "canceling statement due to user request"}; }

void describe_columns(pg::connection& conn, const std::vector<std::pair<unsigned, int>>& sources, result_set& rows) {
    auto& columns = rows.columns();
    for (std::size_t c = 0; c < columns.size() && c < sources.size(); ++c) {
        pg::command_status status;
        if (columns[c].type_name.empty()) {
            auto r = conn.exec_params("SELECT typname FROM pg_type WHERE oid = $1",
                                      {std::to_string(columns[c].type_oid)}, status);
            columns[c].type_name = status && PQntuples(r.get()) ? PQgetvalue(r.get(), 0, 0) : "unknown";
        }
        auto [table, attnum] = sources[c];
        if (table == 0 || attnum <= 0) continue;
        auto r = conn.exec_params(
            "SELECT n.nspname, c.relname, a.attnotnull FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = $2 WHERE c.oid = $1",
            {std::to_string(table), std::to_string(attnum)}, status);
        if (!status || PQntuples(r.get()) == 0) continue;
        columns[c].schema_name = PQgetvalue(r.get(), 0, 0);
        columns[c].table_name = PQgetvalue(r.get(), 0, 1);
        columns[c].nullable = std::string_view(PQgetvalue(r.get(), 0, 2)) == "t" ? 0 : 1;
    }
}

run_outcome run_sql(pg::connection& conn, const std::string& sql, const std::vector<std::string>& params,
                    std::uint64_t max_result_bytes, const cancel_probe& cancelled) {
    run_outcome out;
    if (cancelled && cancelled()) {  // cancelled before anything reached PostgreSQL: send nothing
        out.status = cancelled_status();
        return out;
    }
    PGconn* native = conn.native();
    int sent = 0;
    if (params.empty()) {
        sent = PQsendQuery(native, sql.c_str());
    } else {
        std::vector<const char*> values;
        for (const auto& p : params) values.push_back(p.c_str());
        sent = PQsendQueryParams(native, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(),
                                 nullptr, nullptr, 0);
    }
    if (!sent) {
        out.status = pg::status_of(nullptr, native);
        return out;
    }
    PQsetSingleRowMode(native);
    canceller cancel(native);
    // A cancel that came while the query was being sent may have found the backend idle.
    if (cancelled && cancelled()) cancel.send();
    std::shared_ptr<result_set> current;
    std::vector<std::pair<unsigned, int>> sources;
    bool in_set = false;
    for (;;) {
        wait_for_result(native, cancelled, cancel);
        pg::result_ptr r{PQgetResult(native)};
        if (!r) break;
        ExecStatusType kind = PQresultStatus(r.get());
        if (kind == PGRES_SINGLE_TUPLE || (kind == PGRES_TUPLES_OK && !in_set)) {
            if (!in_set) {
                current = std::make_shared<result_set>();
                current->set_columns(columns_of(r.get(), sources));
                in_set = true;
            }
            if (kind == PGRES_SINGLE_TUPLE && !out.too_large) {
                for (int c = 0; c < PQnfields(r.get()); ++c) {
                    if (PQgetisnull(r.get(), 0, c))
                        current->add_null();
                    else
                        current->add_value({PQgetvalue(r.get(), 0, c), static_cast<std::size_t>(PQgetlength(r.get(), 0, c))});
                }
                current->end_row();
                if (current->byte_size() > max_result_bytes) {
                    out.too_large = true;
                    current->clear_rows();
                    cancel.send();
                }
            }
        }
        if (kind == PGRES_TUPLES_OK) {  // the end of one result set
            in_set = false;
            out.has_result_set = true;
            out.result_rows = static_cast<std::int64_t>(current->row_count());
            out.rows = current;
        } else if (kind == PGRES_COMMAND_OK) {
            const char* affected = PQcmdTuples(r.get());
            out.has_result_set = false;
            out.result_rows = *affected ? std::atoll(affected) : -1;
            out.rows.reset();
        } else if (kind == PGRES_COPY_IN || kind == PGRES_COPY_OUT) {
            drain_copy(native, kind);
        } else if (kind != PGRES_SINGLE_TUPLE && kind != PGRES_EMPTY_QUERY) {
            if (out.status.ok) out.status = pg::status_of(r.get(), native);
        }
    }
    if (out.status.ok && out.rows) describe_columns(conn, sources, *out.rows);
    return out;
}

}  // namespace localaws::data_api
