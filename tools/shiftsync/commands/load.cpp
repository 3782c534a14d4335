// `shiftsync load`: rows from CSV files (a file, a directory, stdin; plain, gzip or zstd) or a
// PostgreSQL query into a Redshift table: staged in S3 as gzip CSV, COPY'd and merged (append, replace, upsert) in one
// transaction, the staged files removed however it ends (transfer/load).

#include "tools/shiftsync/commands/commands.hpp"
#include "tools/shiftsync/commands/s3_errors.hpp"
#include "tools/shiftsync/commands/transfer_run.hpp"
#include "tools/shiftsync/output/byte_size.hpp"
#include "transfer/load/load.hpp"
#include "transfer/load/extract_source.hpp"
#include "transfer/load/postgres_source.hpp"
#include "transfer/postgres/postgres_conninfo.hpp"
#include "transfer/s3/s3_url.hpp"
#include "transfer/s3/transfer_error.hpp"

#include <boost/json.hpp>
#include <fmt/core.h>

#include <memory>
#include <sstream>

namespace shiftsync::cli {
namespace {

namespace tl = transfer::load;

struct load_flags {
    transfer_flags transfer;
    std::string workgroup = "default-workgroup";
    std::string database = "dev";
    std::string from;
    std::string from_sql;    // with --from postgresql://…
    std::string from_table;  // with --from postgresql://…
    std::string from_redshift_sql;    // Redshift → Redshift: a query of the same workgroup
    std::string from_redshift_table;  // or a table
    std::string via = "auto";         // how that query is read (extract's paths)
    double statement_timeout = 0;     // seconds; 0: the waiter's default (24 h)
    std::string table;
    std::string format = "csv";
    bool no_header = false;
    std::string columns;
    std::string mode = "append";
    std::string key;
    std::string order_by;
    bool create_table = false;
    bool add_columns = false;
    bool truncate_columns = false;
    std::vector<std::string> column_types;
    std::int64_t max_errors = -1;
    std::string staging;
    std::string copy_role;
    std::string file_size = "64MiB";
};

std::vector<std::string> split_list(const std::string& text) {
    std::vector<std::string> out;
    std::stringstream in(text);
    std::string item;
    while (std::getline(in, item, ','))
        if (!item.empty()) out.push_back(item);
    return out;
}

void print_summary(const tl::load_stats& s, const tl::load_request& r, std::FILE* out, double seconds,
                   std::uint64_t retries) {
    boost::json::array errors;
    for (const auto& e : s.load_errors)
        errors.push_back(boost::json::object{{"source_record", e.source_record}, {"source_file", e.source_file},
                                             {"source_line", e.source_line}, {"staged_file", e.file},
                                             {"staged_line", e.line}, {"column", e.column},
                                             {"value", e.value}, {"reason", e.reason}});
    boost::json::object o{{"table", r.target.quoted()},
                          {"mode", std::string(tl::to_string(r.mode))},
                          {"rows_read", s.rows_read},
                          {"rows_staged", s.rows_staged},
                          {"rows_loaded", s.rows_loaded},
                          {"inserted", s.inserted},
                          {"updated", s.updated},
                          {"deleted", s.deleted},
                          {"skipped", s.skipped},
                          {"files", s.files},
                          {"bytes_staged", s.bytes_staged},
                          {"created_table", s.created_table},
                          {"table_changes", boost::json::value_from(s.table_changes)},
                          {"run_id", s.run_id},
                          {"retries", retries},
                          {"seconds", seconds},
                          {"seconds_stage", s.seconds_stage},
                          {"seconds_copy", s.seconds_copy},
                          {"seconds_merge", s.seconds_merge},
                          {"seconds_cleanup", s.seconds_cleanup},
                          {"rows_per_second", seconds > 0 ? static_cast<double>(s.rows_loaded) / seconds : 0.0},
                          {"load_errors", std::move(errors)}};
    fmt::print(out, "{}\n", boost::json::serialize(o));
}

void print_load_errors(const tl::load_stats& s) {
    for (const auto& e : s.load_errors) {
        std::string where = e.source_record ? "source record " + std::to_string(e.source_record)
                                            : "staged record " + std::to_string(e.line);
        if (!e.source_file.empty()) where = e.source_file + " line " + std::to_string(e.source_line) + " (" + where + ")";
        fmt::print(stderr, "shiftsync load: {}{}: {}{}\n", where,
                   e.column.empty() ? "" : ", column \"" + e.column + "\"", e.reason,
                   e.value.empty() ? "" : " (value '" + e.value + "')");
    }
}

enum class source_kind { files, postgres, s3_prefix, redshift };

// Where the rows come from, decided before anything is opened.
struct source_plan {
    source_kind kind = source_kind::files;
    std::string sql;                   // postgres: the query
    std::vector<std::string> secrets;  // postgres: the password, masked in every message
    std::string bucket, prefix;        // s3_prefix
};

// Checks the source flags; 0, or the exit code after saying what is wrong. The connection string
// is never printed (it may hold a password).
int plan_source(const load_flags& flags, source_plan& plan) {
    if (!flags.from_redshift_sql.empty() || !flags.from_redshift_table.empty()) {
        if (!flags.from.empty() || (!flags.from_redshift_sql.empty() && !flags.from_redshift_table.empty())) {
            fmt::print(stderr, "shiftsync load: give one source: --from, --from-redshift-sql or --from-redshift-table\n");
            return exit_usage;
        }
        plan.kind = source_kind::redshift;
        if (!flags.from_redshift_sql.empty()) {
            plan.sql = flags.from_redshift_sql;
            return 0;
        }
        auto table = transfer::sql::parse_table_name(flags.from_redshift_table, transfer::sql::unquoted_names::kept);
        if (!table) {
            fmt::print(stderr, "shiftsync load: --from-redshift-table wants SCHEMA.TABLE or TABLE, got '{}'\n",
                       flags.from_redshift_table);
            return exit_usage;
        }
        plan.sql = "SELECT * FROM " + table->quoted();
        return 0;
    }
    if (flags.from.empty()) {
        fmt::print(stderr, "shiftsync load: where from? --from FILE|DIR|-|s3://…|postgresql://…, or "
                           "--from-redshift-sql / --from-redshift-table\n");
        return exit_usage;
    }
    const bool postgres = transfer::postgres::is_postgres_uri(flags.from) || flags.from.find("dbname=") != std::string::npos;
    if (!postgres && (!flags.from_sql.empty() || !flags.from_table.empty())) {
        fmt::print(stderr, "shiftsync load: --from-sql and --from-table go with --from postgresql://…\n");
        return exit_usage;
    }
    if (flags.from.rfind("s3://", 0) == 0) {
        auto url = transfer::s3::parse_s3_url(flags.from);
        if (!url) {
            fmt::print(stderr, "shiftsync load: --from wants s3://bucket/prefix/, got '{}'\n", flags.from);
            return exit_usage;
        }
        plan.kind = source_kind::s3_prefix;
        plan.bucket = url->bucket;
        plan.prefix = url->key;
        return 0;
    }
    if (!postgres) return 0;
    plan.kind = source_kind::postgres;
    std::string why;
    auto summary = transfer::postgres::parse_conninfo(flags.from, why);
    if (!summary) {
        fmt::print(stderr, "shiftsync load: --from: {}\n", why);
        return exit_usage;
    }
    plan.secrets = summary->secrets;
    if (flags.from_sql.empty() == flags.from_table.empty()) {
        fmt::print(stderr, "shiftsync load: --from {} needs one of --from-sql SQL or --from-table [SCHEMA.]TABLE\n",
                   summary->label());
        return exit_usage;
    }
    if (!flags.from_sql.empty()) {
        plan.sql = flags.from_sql;
        return 0;
    }
    auto query = tl::postgres_table_query(flags.from_table);
    if (!query) {
        fmt::print(stderr, "shiftsync load: --from-table wants SCHEMA.TABLE or TABLE, got '{}'\n", flags.from_table);
        return exit_usage;
    }
    plan.sql = *query;
    return 0;
}

int run_load(load_flags& flags) {
    tl::load_request request;
    request.database = flags.database;
    request.workgroup = flags.workgroup;
    auto target = transfer::sql::parse_table_name(flags.table, transfer::sql::unquoted_names::kept);
    if (!target) {
        fmt::print(stderr, "shiftsync load: --table wants SCHEMA.TABLE or TABLE, got '{}'\n", flags.table);
        return exit_usage;
    }
    request.target = *target;
    request.mode = flags.mode == "replace" ? tl::write_mode::replace
                   : flags.mode == "upsert" ? tl::write_mode::upsert
                                            : tl::write_mode::append;
    request.keys = split_list(flags.key);
    request.order_by = flags.order_by;
    if (request.mode == tl::write_mode::upsert && request.keys.empty()) {
        fmt::print(stderr, "shiftsync load: --mode upsert needs --key COLUMN[,COLUMN…]\n");
        return exit_usage;
    }
    if (request.mode != tl::write_mode::upsert && (!request.keys.empty() || !request.order_by.empty())) {
        fmt::print(stderr, "shiftsync load: --key and --order-by go with --mode upsert\n");
        return exit_usage;
    }
    request.create_table = flags.create_table;
    request.add_columns = flags.add_columns;
    request.truncate_columns = flags.truncate_columns;
    for (const auto& item : flags.column_types) {
        auto eq = item.find('=');
        if (eq == std::string::npos || eq == 0 || eq + 1 == item.size()) {
            fmt::print(stderr, "shiftsync load: --column-type wants COLUMN=TYPE, got '{}'\n", item);
            return exit_usage;
        }
        request.column_types[item.substr(0, eq)] = item.substr(eq + 1);
    }
    if (flags.max_errors >= 0) request.max_errors = static_cast<std::uint64_t>(flags.max_errors);
    if (flags.statement_timeout > 0)  // a statement still running then is cancelled, and the load rolls back
        request.wait.timeout = std::chrono::milliseconds(static_cast<long long>(flags.statement_timeout * 1000));
    std::string why;
    auto staging = transfer::staging::parse_staging_url(flags.staging, why);
    if (flags.staging.empty() || !staging) {
        fmt::print(stderr, "shiftsync load: --staging s3://<bucket>/<prefix>/ (the connector guide's staging bucket) "
                           "is needed{}\n", why.empty() ? "" : ": " + why);
        return exit_usage;
    }
    request.staging = *staging;
    request.copy_role = flags.copy_role.empty() ? flags.transfer.connection.role_arn : flags.copy_role;
    if (request.copy_role.empty()) {
        fmt::print(stderr, "shiftsync load: COPY needs a role Redshift may assume: --copy-role ARN (or --role-arn, "
                           "which it defaults to)\n");
        return exit_usage;
    }
    auto file_size = parse_byte_size(flags.file_size);
    if (!file_size || *file_size < (1u << 20)) {
        fmt::print(stderr, "shiftsync load: --file-size wants a size of at least 1MiB, got '{}'\n", flags.file_size);
        return exit_usage;
    }
    source_plan plan;
    if (int bad = plan_source(flags, plan)) return bad;
    std::vector<std::string> paths;
    if (plan.kind == source_kind::files) {
        paths = tl::source_paths(flags.from, why);
        if (paths.empty()) {
            fmt::print(stderr, "shiftsync load: --from {}: {}\n", flags.from, why);
            return exit_usage;
        }
    }
    tl::file_source_options source_options;
    source_options.format = flags.format == "ndjson" ? tl::source_format::ndjson : tl::source_format::csv;
    source_options.header = !flags.no_header && source_options.format == tl::source_format::csv;
    source_options.columns = split_list(flags.columns);
    if (flags.no_header && source_options.columns.empty() && source_options.format == tl::source_format::csv) {
        fmt::print(stderr, "shiftsync load: --no-header needs --columns a,b,c\n");
        return exit_usage;
    }

    flags.transfer.connection.workgroup = flags.workgroup;
    flags.transfer.connection.database = flags.database;
    transfer_run run(flags.transfer, "load");
    if (!run.open()) return exit_usage;
    if (!run.session().open_data_api(flags.transfer.connection)) return exit_usage;
    if (int opened = run.session().open_endpoint(flags.transfer.connection); opened != exit_ok) return opened;
    // Two generations of four staged files are held at once: keep them inside the memory limit.
    request.file_target_bytes = std::min<std::uint64_t>(*file_size, std::max<std::uint64_t>(1u << 20, run.memory().total() / 8));

    std::unique_ptr<tl::row_source> source;
    // A Redshift source: the extract's environment outlives it; the source is closed after the load.
    transfer::extract::extract_environment extract_env{run.session().data(), run.cpu(), &run.context(),
                                                       [&run](const std::string& text) {
                                                           run.progress().stop();
                                                           fmt::print(stderr, "shiftsync load: warning: {}\n", text);
                                                       },
                                                       {}};
    extract_env.endpoint = run.session().endpoint();
    tl::extract_source* from_redshift = nullptr;
    switch (plan.kind) {
        case source_kind::postgres:
            // libpq blocks: its calls go to the file pool's threads, never the CPU pool's.
            source = tl::make_postgres_source(run.context().files(), run.cpu(), flags.from, plan.sql, {});
            break;
        case source_kind::files:
            source = tl::make_file_source(run.cpu(), run.context().files(), paths, source_options);
            break;
        case source_kind::s3_prefix:
            source = tl::make_s3_source(run.cpu(), run.context(), plan.bucket, plan.prefix, source_options);
            break;
        case source_kind::redshift: {
            transfer::extract::extract_request from;
            from.sql = plan.sql;
            from.database = flags.database;
            from.workgroup = flags.workgroup;
            from.via = flags.via == "unload"     ? transfer::extract::read_path::unload
                       : flags.via == "data-api" ? transfer::extract::read_path::data_api
                                                 : transfer::extract::read_path::automatic;
            from.staging = request.staging;
            from.unload_role = request.copy_role;
            auto made = tl::make_extract_source(extract_env, std::move(from));
            from_redshift = made.get();
            source = std::move(made);
            break;
        }
    }
    auto& progress = run.progress();
    tl::load_environment env{run.session().data(), run.context(),
                             [&progress](const std::string& text) {
                                 progress.stop();
                                 fmt::print(stderr, "shiftsync load: warning: {}\n", text);
                             },
                             {}};
    // The live line: the phase (planning, staging, copy, merge, cleanup), rows read, files and bytes staged.
    env.endpoint = run.session().endpoint();
    auto phase_now = std::make_shared<std::string>("planning");
    env.phase = [phase_now](std::string_view phase) { *phase_now = phase; };
    tl::row_source* reading = source.get();
    progress.set_detail([phase_now, reading] {
        return fmt::format("{}: {} rows read", *phase_now, reading->rows_read());
    });
    tl::load_stats stats;
    aws::diagnostics diag;
    auto done = run.execute(tl::async_load(env, request, *source, stats, diag));
    if (from_redshift) {
        auto close = [](tl::extract_source* s) -> boost::asio::awaitable<bool> {
            co_await s->async_close();
            co_return true;
        };
        run.execute(close(from_redshift));
    }
    progress.stop();
    if (run.session().interrupted()) {
        fmt::print(stderr, "shiftsync load: interrupted: nothing was committed, the staging prefix was removed\n");
        return exit_interrupted;
    }
    print_load_errors(stats);
    if (!done) {
        fmt::print(stderr, "shiftsync load: failed: {}{}\n",
                   transfer::postgres::mask_secrets(describe_failure(done.error(), diag), plan.secrets),
                   done.error() == transfer::errc::does_not_fit ? "" : "; the table is unchanged");
        if (flags.transfer.json) print_summary(stats, request, stdout, progress.seconds(), run.session().retries());
        return done.error() == transfer::errc::does_not_fit ? exit_usage : exit_failed;
    }
    if (flags.transfer.json)
        print_summary(stats, request, stdout, progress.seconds(), run.session().retries());
    else
        fmt::print(stderr, "shiftsync load: {} rows into {} ({}: {} inserted, {} updated, {} deleted) in {:.2f} s\n",
                   stats.rows_loaded, request.target.quoted(), tl::to_string(request.mode), stats.inserted,
                   stats.updated, stats.deleted, progress.seconds());
    return exit_ok;
}

}  // namespace

command_runner add_load_command(CLI::App& app) {
    auto flags = std::make_shared<load_flags>();
    auto* cmd = app.add_subcommand("load", "Load CSV or NDJSON files (a file, a directory or stdin) into a Redshift table: "
                                           "staged in S3, COPY'd and merged in one transaction");
    cmd->add_option("--from", flags->from,
                    "A CSV or NDJSON file (plain, gzip or zstd), a directory of them, - for stdin, s3://bucket/prefix/ "
                    "(its objects in key order; names starting with _ or . and manifests skipped), or a PostgreSQL "
                    "connection string (postgresql://user:password@host:port/db, with --from-sql or --from-table)");
    cmd->add_option("--statement-timeout", flags->statement_timeout,
                    "Give up on a statement (COPY, the merge) still running after this many seconds: it is "
                    "cancelled and the load rolled back");
    cmd->add_option("--from-redshift-sql", flags->from_redshift_sql,
                    "Redshift → Redshift: a query of the same workgroup, read as `shiftsync extract` reads it");
    cmd->add_option("--from-redshift-table", flags->from_redshift_table, "Redshift → Redshift: a table (SCHEMA.TABLE)");
    cmd->add_option("--via", flags->via, "How a Redshift source is read: auto, data-api or unload")
        ->check(CLI::IsMember({"auto", "data-api", "unload"}));
    cmd->add_option("--from-sql", flags->from_sql,
                    "With --from postgresql://…: the query whose rows to load (column types from the query; "
                    "--create-table maps them as transfer/postgres/redshift_types.hpp says)");
    cmd->add_option("--from-table", flags->from_table, "With --from postgresql://…: [SCHEMA.]TABLE to load whole");
    cmd->add_option("--table", flags->table, "SCHEMA.TABLE to load into")->required();
    cmd->add_option("--format", flags->format, "csv or ndjson (NDJSON keys match columns by name; without --columns, the table's)")->check(CLI::IsMember({"csv", "ndjson"}));
    cmd->add_flag("--no-header", flags->no_header, "The files have no header line (give --columns)");
    cmd->add_flag("--header", [flags](std::int64_t) { flags->no_header = false; }, "The files start with a header line (the default)");
    cmd->add_option("--columns", flags->columns, "The columns' names, a,b,c (without a header)");
    cmd->add_option("--mode", flags->mode, "append, replace or upsert")
        ->check(CLI::IsMember({"append", "replace", "upsert"}))
        ->capture_default_str();
    cmd->add_option("--key", flags->key, "upsert: the key columns, a,b");
    cmd->add_option("--order-by", flags->order_by, "upsert: the column that says which row is newer");
    cmd->add_flag("--create-table", flags->create_table, "Create a missing table (VARCHAR(65535) columns unless --column-type)");
    cmd->add_flag("--add-columns", flags->add_columns, "Add source columns the table lacks (before the transaction)");
    cmd->add_flag("--truncate-columns", flags->truncate_columns, "Cut values too long for their VARCHAR/CHAR instead of failing");
    cmd->add_option("--column-type", flags->column_types, "COLUMN=TYPE for --create-table and --add-columns (repeatable)");
    cmd->add_option("--max-errors", flags->max_errors, "COPY's MAXERROR: rows it may skip (each is reported)");
    cmd->add_option("--staging", flags->staging, "s3://bucket/prefix/ where the files are staged (removed after)");
    cmd->add_option("--copy-role", flags->copy_role, "The IAM role COPY runs as (default: --role-arn)");
    cmd->add_option("--file-size", flags->file_size, "Compressed size of each staged file")->capture_default_str();
    cmd->add_option("--workgroup", flags->workgroup, "Redshift Serverless workgroup")->capture_default_str();
    cmd->add_option("--database", flags->database, "Database")->capture_default_str();
    flags->transfer.add_to(*cmd);
    flags->transfer.connection.add_endpoint_to(*cmd);
    return [flags] { return run_load(*flags); };
}

}  // namespace shiftsync::cli
