// `shiftsync extract`: a query's rows (or a table's) from Redshift to a file, a directory of
// files or stdout, as CSV or NDJSON (gzip or zstd by name or --compress), or into a PostgreSQL
// table (--to postgresql://… --to-table, one transaction), by the Data API or by UNLOAD through
// the staging bucket (transfer/extract).

#include "tools/shiftsync/commands/commands.hpp"
#include "tools/shiftsync/commands/s3_errors.hpp"
#include "tools/shiftsync/commands/transfer_run.hpp"
#include "transfer/extract/extract.hpp"
#include "transfer/postgres/postgres_conninfo.hpp"
#include "transfer/postgres/postgres_copy.hpp"
#include "transfer/extract/postgres_sink.hpp"
#include "transfer/s3/s3_url.hpp"
#include "transfer/s3/transfer_error.hpp"

#include <boost/json.hpp>
#include <fmt/core.h>

#include <filesystem>
#include <map>
#include <memory>

namespace shiftsync::cli {
namespace {

namespace fs = std::filesystem;
namespace asio = boost::asio;
namespace tx = transfer::extract;
namespace tpg = transfer::postgres;

struct extract_flags {
    transfer_flags transfer;
    std::string workgroup = "default-workgroup";
    std::string database = "dev";
    std::string sql;
    std::string table;
    std::string where;
    std::string to;
    std::string to_table;  // with --to <libpq connection string>: the PostgreSQL table sink
    std::string format;    // csv | ndjson; default from --to's name, else csv
    std::string compress;  // none | gzip | zstd; default from --to's name
    std::string via = "auto";
    std::string staging;
    std::string unload_role;
    std::uint64_t max_file_size_mb = 0;
};

bool ends_with(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

struct destination {
    enum { file, directory, stdio, s3_prefix, postgres } kind = file;
    tx::sink_format format;
    tpg::qualified_name table;              // postgres
    tpg::conninfo_summary where;            // postgres: host, port, database, user; the password to mask
};

// --to postgresql://… (or any libpq connection string) with --to-table SCHEMA.TABLE. Never prints
// the connection string: it may hold a password.
std::optional<destination> postgres_destination_of(const extract_flags& flags) {
    const bool uri = tpg::is_postgres_uri(flags.to);
    if (flags.to_table.empty()) {
        fmt::print(stderr, "shiftsync extract: --to {}://… is a PostgreSQL database: name the table with --to-table "
                           "SCHEMA.TABLE\n", flags.to.substr(0, flags.to.find(':')));
        return std::nullopt;
    }
    if (!uri && flags.to.find('=') == std::string::npos) {
        fmt::print(stderr, "shiftsync extract: --to-table goes with --to postgresql://user:password@host:port/database "
                           "(or a libpq connection string host=… dbname=…)\n");
        return std::nullopt;
    }
    if (!flags.format.empty() || !flags.compress.empty()) {
        fmt::print(stderr, "shiftsync extract: --format and --compress are for files; a table gets typed columns\n");
        return std::nullopt;
    }
    destination d;
    d.kind = destination::postgres;
    auto table = tpg::parse_qualified_name(flags.to_table);
    if (!table) {
        fmt::print(stderr, "shiftsync extract: --to-table wants SCHEMA.TABLE or TABLE (\"Quoted\" for exact case), got "
                           "'{}'\n", flags.to_table);
        return std::nullopt;
    }
    d.table = *table;
    std::string why;
    auto where = tpg::parse_conninfo(flags.to, why);
    if (!where) {
        fmt::print(stderr, "shiftsync extract: --to: {}\n", why);
        return std::nullopt;
    }
    d.where = std::move(*where);
    return d;
}

std::optional<destination> destination_of(const extract_flags& flags) {
    if (!flags.to_table.empty() || tpg::is_postgres_uri(flags.to)) return postgres_destination_of(flags);
    destination d;
    std::string name = flags.to;
    if (flags.to == "-") d.kind = destination::stdio;
    else if (transfer::s3::is_s3_url(flags.to)) d.kind = destination::s3_prefix;
    else if (ends_with(flags.to, "/") || fs::is_directory(flags.to)) d.kind = destination::directory;
    d.format.compression = transfer::codec::compression_for_name(name);
    if (!flags.compress.empty())
        d.format.compression = flags.compress == "gzip"   ? transfer::codec::compression::gzip
                               : flags.compress == "zstd" ? transfer::codec::compression::zstd
                                                          : transfer::codec::compression::none;
    std::string bare = name;
    for (auto ext : {".gz", ".zst"})
        if (ends_with(bare, ext)) bare.resize(bare.size() - std::string_view(ext).size());
    if (!flags.format.empty()) d.format.format = flags.format == "ndjson" ? transfer::rows::output_format::ndjson
                                                                           : transfer::rows::output_format::csv;
    else if (ends_with(bare, ".ndjson") || ends_with(bare, ".jsonl"))
        d.format.format = transfer::rows::output_format::ndjson;
    return d;
}

// "schema"."table" at user@host:port/database (no password), for messages.
std::string destination_table(const destination& d) {
    std::string table = d.table.schema.empty() ? tpg::quote_identifier(d.table.table) : tpg::quoted(d.table);
    return table + " at " + d.where.label();
}

void print_summary(const tx::extract_stats& s, std::FILE* out, double seconds, std::uint64_t retries,
                   std::uint64_t peak_buffered) {
    boost::json::object o{{"path", std::string(tx::to_string(s.used))},
                          {"rows", s.rows},
                          {"files", s.files},
                          {"bytes_staged", s.bytes_staged},
                          {"bytes_downloaded", s.bytes_downloaded},
                          {"bytes_written", s.bytes_written},
                          {"result_pages", s.result_pages},
                          {"describe_statement_calls", s.describe_calls},
                          {"retries", retries},
                          {"peak_buffered_bytes", peak_buffered},
                          {"statement_id", s.statement_id},
                          {"run_id", s.run_id},
                          {"cleanup_refused", s.cleanup_refused},
                          {"seconds", seconds},
                          {"seconds_plan", s.seconds_plan},
                          {"seconds_statement", s.seconds_statement},
                          {"seconds_transfer", s.seconds_transfer},
                          {"seconds_cleanup", s.seconds_cleanup},
                          {"rows_per_second", seconds > 0 ? static_cast<double>(s.rows) / seconds : 0.0}};
    if (!s.auto_reason.empty()) o["auto"] = s.auto_reason;
    fmt::print(out, "{}\n", boost::json::serialize(o));
}

int run_extract(extract_flags& flags) {
    if (flags.sql.empty() == flags.table.empty()) {
        fmt::print(stderr, "shiftsync extract: give either --sql or --table\n");
        return exit_usage;
    }
    if (!flags.where.empty() && flags.table.empty()) {
        fmt::print(stderr, "shiftsync extract: --where goes with --table (put the condition in --sql otherwise)\n");
        return exit_usage;
    }
    tx::extract_request request;
    request.database = flags.database;
    request.workgroup = flags.workgroup;
    request.max_file_size_mb = flags.max_file_size_mb;
    if (!flags.table.empty()) {
        auto table = transfer::sql::parse_table_name(flags.table, transfer::sql::unquoted_names::kept);
        if (!table) {
            fmt::print(stderr, "shiftsync extract: --table wants SCHEMA.TABLE or TABLE, got '{}'\n", flags.table);
            return exit_usage;
        }
        request.sql = "SELECT * FROM " + table->quoted() + (flags.where.empty() ? "" : " WHERE " + flags.where);
    } else {
        request.sql = flags.sql;
    }
    request.via = flags.via == "unload" ? tx::read_path::unload
                  : flags.via == "data-api" ? tx::read_path::data_api
                                            : tx::read_path::automatic;
    if (!flags.staging.empty()) {
        std::string why;
        auto staging = transfer::staging::parse_staging_url(flags.staging, why);
        if (!staging) {
            fmt::print(stderr, "shiftsync extract: --staging: {}\n", why);
            return exit_usage;
        }
        request.staging = *staging;
    } else if (request.via == tx::read_path::unload) {
        fmt::print(stderr, "shiftsync extract: --via unload needs --staging s3://<bucket>/<prefix>/ (the staging "
                           "bucket of the connector guide)\n");
        return exit_usage;
    }
    request.unload_role = flags.unload_role.empty() ? flags.transfer.connection.role_arn : flags.unload_role;
    if (request.staging && request.unload_role.empty() && request.via != tx::read_path::data_api) {
        fmt::print(stderr, "shiftsync extract: UNLOAD needs a role Redshift may assume: --unload-role ARN (or "
                           "--role-arn, which it defaults to)\n");
        return exit_usage;
    }
    auto dest = destination_of(flags);
    if (!dest) return exit_usage;

    flags.transfer.connection.workgroup = flags.workgroup;
    flags.transfer.connection.database = flags.database;
    transfer_run run(flags.transfer, "extract");
    if (!run.open()) return exit_usage;
    if (!run.session().open_data_api(flags.transfer.connection)) return exit_usage;
    if (int opened = run.session().open_endpoint(flags.transfer.connection); opened != exit_ok) return opened;

    std::unique_ptr<tx::row_sink> sink;
    std::optional<transfer::s3::s3_url> to_s3;
    if (dest->kind == destination::s3_prefix) {
        to_s3 = transfer::s3::parse_s3_url(flags.to);
        if (!to_s3) {
            fmt::print(stderr, "shiftsync extract: --to {}: not an s3://bucket/prefix/ URL\n", flags.to);
            return exit_usage;
        }
    }
    switch (dest->kind) {
        case destination::postgres:
            sink = tx::make_postgres_sink(run.cpu(), flags.to, dest->table.schema, dest->table.table);
            break;
        case destination::s3_prefix:
            sink = tx::make_s3_prefix_sink(run.context(), to_s3->bucket, to_s3->key, dest->format);
            break;
        case destination::stdio: sink = tx::make_descriptor_sink(run.cpu(), 1, dest->format); break;
        case destination::directory: sink = tx::make_directory_sink(run.cpu(), flags.to, dest->format); break;
        default: sink = tx::make_file_sink(run.cpu(), flags.to, dest->format); break;
    }
    auto& progress = run.progress();
    tx::extract_environment env{run.session().data(), run.cpu(), &run.context(),
                                [&progress](const std::string& text) {
                                    progress.stop();
                                    fmt::print(stderr, "shiftsync extract: warning: {}\n", text);
                                },
                                {}};
    // The live line: the phase (planning, statement, transfer, cleanup), rows written, files and bytes.
    env.endpoint = run.session().endpoint();
    auto phase_now = std::make_shared<std::string>("planning");
    env.progress.phase = [phase_now](std::string_view phase) { *phase_now = phase; };
    tx::row_sink* writing = sink.get();
    progress.set_detail([phase_now, writing] {
        return fmt::format("{}: {} rows written", *phase_now, writing->rows_written());
    });
    aws::diagnostics diag;
    auto done = run.execute(tx::async_extract(env, request, *sink, diag));
    progress.stop();
    const bool to_stdout = dest->kind == destination::stdio;
    if (run.session().interrupted()) {
        fmt::print(stderr, "shiftsync extract: interrupted: the statement was cancelled, the staging prefix removed "
                           "and no partial output left\n");
        return exit_interrupted;
    }
    if (!done) {
        // (The sink masks the password already; this is the last line of defence.)
        fmt::print(stderr, "shiftsync extract: failed: {}\n",
                   tpg::mask_secrets(describe_failure(done.error(), diag), dest->where.secrets));
        return exit_failed;
    }
    if (flags.transfer.json)
        print_summary(*done, to_stdout ? stderr : stdout, progress.seconds(), run.session().retries(),
                      run.memory().peak_reserved());
    else
        fmt::print(stderr, "shiftsync extract: {} rows to {} by {} in {:.2f} s\n", done->rows,
                   to_stdout                                 ? std::string("stdout")
                   : dest->kind == destination::postgres ? "the table " + destination_table(*dest)
                                                             : flags.to,
                   tx::to_string(done->used), progress.seconds());
    return exit_ok;
}

}  // namespace

command_runner add_extract_command(CLI::App& app) {
    auto flags = std::make_shared<extract_flags>();
    auto* cmd = app.add_subcommand("extract", "Extract a query's or a table's rows from Redshift to a file, a "
                                              "directory, stdout or a PostgreSQL table (by the Data API or UNLOAD)");
    cmd->add_option("--sql", flags->sql, "The query");
    cmd->add_option("--table", flags->table, "SCHEMA.TABLE to extract whole (or with --where)");
    cmd->add_option("--where", flags->where, "A condition for --table");
    cmd->add_option("--to", flags->to, "A file (.csv, .ndjson, with .gz or .zst), a directory (one file per "
                                       "staged file), an s3://bucket/prefix/ (one object per staged file), - "
                                       "for stdout, or postgresql://user:password@host:port/db (any libpq "
                                       "connection string) with --to-table")
        ->required();
    cmd->add_option("--to-table", flags->to_table, "SCHEMA.TABLE in the PostgreSQL database of --to: created when "
                                                   "missing, else its columns must hold the values; one transaction");
    cmd->add_option("--format", flags->format, "csv or ndjson (default: from --to's name, else csv)")
        ->check(CLI::IsMember({"csv", "ndjson"}));
    cmd->add_option("--compress", flags->compress, "none, gzip or zstd (default: from --to's name)")
        ->check(CLI::IsMember({"none", "gzip", "zstd"}));
    cmd->add_option("--via", flags->via, "auto, data-api or unload")
        ->check(CLI::IsMember({"auto", "data-api", "unload"}))
        ->capture_default_str();
    cmd->add_option("--staging", flags->staging, "s3://bucket/prefix/ where UNLOAD stages files (removed after)");
    cmd->add_option("--unload-role", flags->unload_role, "The IAM role UNLOAD runs as (default: --role-arn)");
    cmd->add_option("--max-file-size", flags->max_file_size_mb, "UNLOAD's MAXFILESIZE in MB (default: Redshift's)");
    cmd->add_option("--workgroup", flags->workgroup, "Redshift Serverless workgroup")->capture_default_str();
    cmd->add_option("--database", flags->database, "Database")->capture_default_str();
    flags->transfer.add_to(*cmd);
    flags->transfer.connection.add_endpoint_to(*cmd);
    return [flags] { return run_extract(*flags); };
}

}  // namespace shiftsync::cli
