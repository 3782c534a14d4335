// The state table's statements outside the transfers (destination_state_io.hpp).

#include "transfer/sync/destination_state_io.hpp"

#include "transfer/postgres/postgres_conninfo.hpp"
#include "transfer/postgres/postgres_session.hpp"
#include "transfer/s3/transfer_error.hpp"
#include "transfer/sync/destination_state.hpp"

#include <functional>

namespace shiftsync::transfer::sync {

namespace asio = boost::asio;
namespace rd = aws::redshift_data;
using boost::system::error_code;
using boost::system::result;

namespace {

using text_rows = std::vector<std::vector<std::optional<std::string>>>;

error_code fail(aws::diagnostics& diag, std::string why, errc code = errc::malformed_data) {
    diag.client_note = std::move(why);
    return make_error_code(code);
}

// ---- statements outside the transfers: the state table ----------------------------------------

asio::awaitable<result<text_rows>> redshift_rows(const redshift_place& place, std::string sql, aws::diagnostics& diag) {
    rd::execute_request request;
    request.sql = std::move(sql);
    request.database = place.database;
    request.workgroup = place.workgroup;
    auto started = co_await place.data->async_execute_statement(request, diag);
    if (!started) co_return started.error();
    const rd::wait_policy policy;
    auto done = co_await place.data->async_wait_for(started->id, diag, policy);
    if (!done) co_return done.error();
    text_rows out;
    if (!done->has_result_set) co_return out;
    std::function<bool(rd::result_page&)> collect = [&out](rd::result_page& page) {
        for (const auto& row : page.rows) {
            std::vector<std::optional<std::string>> values;
            for (const auto& f : row) {
                if (const auto* s = std::get_if<std::string>(&f)) values.emplace_back(*s);
                else if (const auto* n = std::get_if<std::int64_t>(&f)) values.emplace_back(std::to_string(*n));
                else values.emplace_back(std::nullopt);
            }
            out.push_back(std::move(values));
        }
        return true;
    };
    auto paged = co_await place.data->async_for_each_page(started->id, collect, diag);
    if (!paged) co_return paged.error();
    co_return out;
}

// Runs `statements` then `query` (if any) on a fresh libpq connection, on the blocking pool.
struct postgres_answer {
    bool ok = false;
    std::string failure;
    text_rows rows;
};

asio::awaitable<result<text_rows>> postgres_rows(engine::cpu_pool& blocking, const postgres_place& place,
                                                 std::vector<std::string> statements, std::string query,
                                                 aws::diagnostics& diag) {
    auto job = [dsn = place.dsn, statements = std::move(statements), query = std::move(query)]() {
        postgres_answer answer;
        std::string why;
        auto summary = postgres::parse_conninfo(dsn, why);
        if (!summary) {
            answer.failure = why;
            return answer;
        }
        postgres::postgres_session s(dsn, *summary, 30, "shiftsync sync");
        if (!s.connect()) {
            answer.failure = s.failure();
            return answer;
        }
        for (const auto& statement : statements) {
            if (!s.exec(statement, "preparing the sync state table")) {
                answer.failure = s.failure();
                return answer;
            }
        }
        if (!query.empty()) {
            auto rows = s.query(query, {}, "reading the sync state");
            if (!rows) {
                answer.failure = s.failure();
                return answer;
            }
            answer.rows = std::move(*rows);
        }
        s.rollback_and_close();
        answer.ok = true;
        return answer;
    };
    postgres_answer answer = co_await blocking.async_run(std::move(job));
    if (!answer.ok) co_return fail(diag, "PostgreSQL (" + place.name + "): " + answer.failure, errc::destination_failed);
    co_return std::move(answer.rows);
}

cursor_truth truth_from(const text_rows& rows) {
    cursor_truth t;
    if (rows.empty() || rows[0].size() < 3) return t;
    t.column = rows[0][0].value_or("");
    t.kind = rows[0][1].value_or("");
    t.cursor = rows[0][2];
    return t;
}


}  // namespace

asio::awaitable<result<cursor_truth>> async_read_cursor_truth(engine::cpu_pool& blocking, const stream_plan& plan,
                                                             aws::diagnostics& diag) {
    if (plan.destination_kind == place_kind::redshift) {
        std::string query = read_state_sql(plan.state_schema, plan.name, sql_dialect::redshift);
        auto rows = co_await redshift_rows(*plan.destination_redshift, std::move(query), diag);
        if (!rows) co_return rows.error();
        co_return truth_from(*rows);
    }
    std::string query = read_state_sql(plan.state_schema, plan.name, sql_dialect::postgres);
    std::vector<std::string> no_statements;
    auto rows = co_await postgres_rows(blocking, *plan.destination_postgres, std::move(no_statements), std::move(query),
                                       diag);
    if (!rows) co_return rows.error();
    co_return truth_from(*rows);
}

asio::awaitable<result<void>> async_prepare_state_table(sync_pools& pools, const redshift_place* redshift,
                                                       const postgres_place* postgres, const std::string& schema,
                                                       aws::diagnostics& diag) {
    if (redshift) {
        for (auto& statement : create_state_table_sql(schema)) {
            auto done = co_await redshift_rows(*redshift, std::move(statement), diag);
            if (!done) co_return done.error();
        }
    }
    if (postgres) {
        std::vector<std::string> statements = create_state_table_sql(schema);
        std::string no_query;
        auto done = co_await postgres_rows(pools.blocking, *postgres, std::move(statements), std::move(no_query), diag);
        if (!done) co_return done.error();
    }
    co_return result<void>{};
}

}  // namespace shiftsync::transfer::sync
