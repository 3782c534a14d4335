// `shiftsync query "SQL"`: runs one statement through the Data API and streams its rows to stdout.

#include "tools/shiftsync/commands/commands.hpp"
#include "tools/shiftsync/connection/connection.hpp"
#include "tools/shiftsync/output/row_writer.hpp"

#include <fmt/core.h>

#include <map>
#include <memory>

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
    auto* cmd = app.add_subcommand("query", "Run SQL through the Redshift Data API and stream the rows to stdout");
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
