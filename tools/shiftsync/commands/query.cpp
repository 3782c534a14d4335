// `shiftsync query "SQL"`: runs one statement through the Data API (or the workgroup's endpoint) and
// streams its rows to stdout.

#include "tools/shiftsync/commands/commands.hpp"
#include "tools/shiftsync/connection/connection.hpp"
#include "tools/shiftsync/connection/endpoint_session.hpp"
#include "transfer/endpoint/endpoint_statement.hpp"
#include "transfer/endpoint/result_shape.hpp"
#include "tools/shiftsync/output/row_writer.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fmt/core.h>

#include <map>
#include <memory>
#include <optional>

namespace shiftsync::cli {
namespace {

namespace rd = aws::redshift_data;

struct query_flags {
    connection_flags connection;
    std::string sql;
    row_format format = row_format::csv;
    std::vector<std::string> parameters;  // name=value
    double timeout_seconds = 0;           // 0: the waiter's default (24 h)
};

namespace asio = boost::asio;
namespace ep = transfer::endpoint;
namespace pg = engine::pg;

struct endpoint_outcome {
    boost::system::result<pg::statement_result> result = make_error_code(pg::errc::closed);
    pg::pg_diagnostics pg_diag;
    aws::diagnostics diag;  // a failed GetCredentials or login
    std::string failure;    // a value that did not convert
};

// One statement on a pooled connection, its rows converted and written as they stream in.
asio::awaitable<void> stream_on_endpoint(ep::endpoint_pool& pool, std::string sql, std::vector<pg::parameter> values,
                                         row_writer& writer, endpoint_outcome& out) {
    auto lease = co_await pool.async_acquire(out.diag);
    if (!lease) {
        out.result = lease.error();
        co_return;
    }
    std::optional<ep::row_shaper> shaper;  // once the columns are known
    pg::row_sink sink;
    sink.on_columns = [&](const std::vector<pg::column>& described) {
        shaper.emplace(ep::column_metadata_of(described));
        writer.columns(shaper->columns());
    };
    rd::row converted;
    sink.on_row = [&](const pg::row& values_in) {
        if (!shaper->convert(values_in, converted, out.failure)) return false;
        writer.row(converted);
        return true;
    };
    out.result = co_await (*lease)->async_execute(std::move(sql), std::move(values), std::move(sink), out.pg_diag);
}

// The statement, cancelled (on the server too) once `timeout` has passed (0: never).
asio::awaitable<int> stream_within(ep::endpoint_pool& pool, std::string sql, std::vector<pg::parameter> values,
                                   row_writer& writer, endpoint_outcome& out, std::chrono::milliseconds timeout) {
    auto executor = co_await asio::this_coro::executor;
    asio::cancellation_signal stop;
    asio::steady_timer deadline(executor);
    if (timeout.count() > 0) {
        deadline.expires_after(timeout);
        deadline.async_wait([&stop](boost::system::error_code ec) {
            if (!ec) stop.emit(asio::cancellation_type::terminal);
        });
    }
    auto statement = stream_on_endpoint(pool, std::move(sql), std::move(values), writer, out);
    auto until_stopped = asio::bind_cancellation_slot(stop.slot(), asio::use_awaitable);
    co_await asio::co_spawn(executor, std::move(statement), until_stopped);
    deadline.cancel();
    co_return 0;
}

int run_query_on_endpoint(const query_flags& flags, const std::vector<rd::statement_parameter>& named) {
    std::string sql;
    std::vector<pg::parameter> values;
    std::string why;
    if (!ep::positional_parameters(flags.sql, named, sql, values, why)) {
        fmt::print(stderr, "shiftsync query: {}\n", why);
        return 2;
    }
    auto conn = connection::open(flags.connection);
    if (!conn) return 2;
    bool usage_error = false;
    auto endpoint = endpoint_session::open(*conn, usage_error);
    if (!endpoint) return usage_error ? 2 : 1;

    auto writer = make_row_writer(flags.format, stdout);
    endpoint_outcome out;
    const std::chrono::milliseconds timeout(static_cast<long long>(flags.timeout_seconds * 1000));
    conn->run(stream_within(endpoint->pool(), std::move(sql), std::move(values), *writer, out, timeout));
    writer->finish();
    const std::string where = endpoint->pool().settings().address.to_string();
    if (!out.failure.empty()) {
        fmt::print(stderr, "shiftsync query: a result row from the endpoint {}: {}\n", where, out.failure);
        return 1;
    }
    if (!out.result) {
        if (out.result.error() == pg::errc::cancelled) {
            fmt::print(stderr, "shiftsync query: the statement ran longer than --timeout {} s and was cancelled\n",
                       flags.timeout_seconds);
            return 1;
        }
        if (!out.diag.service.empty() || !out.diag.code.empty()) {
            report("query", out.diag.service == "endpoint" ? "connecting" : "GetCredentials", out.result.error(),
                   out.diag);
            return 1;
        }
        aws::diagnostics diag;
        ep::describe_failure(endpoint->pool().settings(), out.pg_diag, diag);
        report("query", "the statement", out.result.error(), diag);
        return 1;
    }
    if (out.result->columns.empty()) {
        long long affected = ep::count_in_tag(out.result->command_tag);
        if (affected >= 0) fmt::print(stderr, "{} rows affected\n", affected);
        else fmt::print(stderr, "{}\n", out.result->command_tag);
    }
    return 0;
}

int run_query(const query_flags& flags) {
    rd::execute_request request{.sql = flags.sql, .database = flags.connection.database,
                                .workgroup = flags.connection.workgroup};
    for (const auto& p : flags.parameters) {
        auto eq = p.find('=');
        if (eq == std::string::npos || eq == 0) {
            fmt::print(stderr, "shiftsync query: --param '{}' must be name=value\n", p);
            return 2;
        }
        request.parameters.push_back({p.substr(0, eq), p.substr(eq + 1)});
    }
    if (flags.connection.uses_endpoint()) return run_query_on_endpoint(flags, request.parameters);
    auto conn = connection::open(flags.connection);
    if (!conn) return 2;

    aws::diagnostics diag;
    auto started = conn->run(conn->data().async_execute_statement(request, diag));
    if (!started) {
        report("query", "ExecuteStatement", started.error(), diag);
        return 1;
    }
    rd::wait_policy policy;
    if (flags.timeout_seconds > 0)
        policy.timeout = std::chrono::milliseconds(static_cast<long long>(flags.timeout_seconds * 1000));
    auto done = conn->run(conn->data().async_wait_for(started->id, diag, policy));
    if (!done) {
        report("query", "statement " + started->id, done.error(), diag);
        return 1;
    }
    if (!done->has_result_set) {
        fmt::print(stderr, "{} rows affected (statement {})\n", done->result_rows, started->id);
        return 0;
    }
    auto writer = make_row_writer(flags.format, stdout);
    bool first = true;
    auto rows = conn->run(conn->data().async_for_each_page(started->id, [&](rd::result_page& page) {
        if (first) writer->columns(page.columns);
        first = false;
        for (const auto& r : page.rows) writer->row(r);
        return true;
    }, diag));
    writer->finish();
    if (!rows) {
        report("query", "GetStatementResult for statement " + started->id, rows.error(), diag);
        return 1;
    }
    return 0;
}

}  // namespace

command_runner add_query_command(CLI::App& app) {
    auto flags = std::make_shared<query_flags>();
    auto* cmd = app.add_subcommand("query", "Run SQL through the Redshift Data API (or the endpoint) and stream the rows to stdout");
    cmd->add_option("sql", flags->sql, "The statement")->required();
    std::map<std::string, row_format> formats{{"csv", row_format::csv}, {"ndjson", row_format::ndjson},
                                              {"table", row_format::table}};
    cmd->add_option("--format", flags->format, "csv, ndjson or table")
        ->transform(CLI::CheckedTransformer(formats, CLI::ignore_case))
        ->capture_default_str();
    cmd->add_option("--param", flags->parameters, "A :name parameter, as name=value (repeatable)");
    cmd->add_option("--timeout", flags->timeout_seconds, "Give up waiting after this many seconds (and cancel)");
    flags->connection.add_to(*cmd);
    return [flags] { return run_query(*flags); };
}

}  // namespace shiftsync::cli
