#include "transfer/load/load.hpp"

#include "engine/scheduler/async_limiter.hpp"
#include "engine/scheduler/cancellation.hpp"
#include "transfer/endpoint/endpoint_statement.hpp"
#include "transfer/load/session.hpp"
#include "transfer/load/stager.hpp"
#include "transfer/rows/column.hpp"
#include "transfer/s3/transfer_error.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <set>

namespace shiftsync::transfer::load {

namespace asio = boost::asio;
namespace rd = aws::redshift_data;
using boost::system::result;

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void say(load_environment& env, std::string_view phase) {
    if (env.phase) env.phase(phase);
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// The kind of a DDL type a user gives (--column-type id=BIGINT, NUMERIC(12,2), VARCHAR(40), …).
rows::value_kind kind_of_ddl(std::string_view ddl) {
    std::string base = lower(ddl.substr(0, ddl.find('(')));
    while (!base.empty() && base.back() == ' ') base.pop_back();
    if (base == "character varying" || base == "varchar" || base == "char" || base == "character" ||
        base == "text" || base == "nchar" || base == "nvarchar" || base == "bpchar")
        return rows::value_kind::text;
    if (base == "int" || base == "int2" || base == "int4" || base == "int8") return rows::value_kind::integer;
    if (base == "float" || base == "double precision" || base == "float8") return rows::value_kind::real8;
    if (base == "varbinary" || base == "binary varying") return rows::value_kind::varbyte;
    return rows::kind_of_type(base);
}

// A statement's first page of results, by the Data API (no session: a statement of its own) or on
// the endpoint (a pooled connection).
asio::awaitable<result<rd::result_page>> first_page(load_environment& env, const load_request& request,
                                                    std::string sql, aws::diagnostics& diag) {
    if (env.endpoint) {
        auto page = co_await endpoint::async_query_page(*env.endpoint, std::move(sql), diag);
        co_return page;
    }
    rd::execute_request statement{.sql = std::move(sql), .database = request.database, .workgroup = request.workgroup};
    auto started = co_await env.data.async_execute_statement(statement, diag);
    if (!started) co_return started.error();
    auto done = co_await env.data.async_wait_for(started->id, diag, request.wait);
    if (!done) co_return done.error();
    const std::string no_token;
    auto page = co_await env.data.async_get_statement_result(started->id, no_token, diag);
    co_return page;
}

// The target's columns by a LIMIT 0 run, or nullopt when the table does not exist.
asio::awaitable<result<std::optional<rows::schema>>> target_columns(load_environment& env, const load_request& request,
                                                                    aws::diagnostics& diag) {
    std::string sql = "SELECT * FROM " + request.target.quoted() + " LIMIT 0";
    auto page = co_await first_page(env, request, std::move(sql), diag);
    if (!page) {
        if (diag.message.find("does not exist") != std::string::npos) {
            diag = {};
            co_return std::optional<rows::schema>();
        }
        co_return page.error();
    }
    rows::schema out;
    for (const auto& c : page->columns) {
        rows::column col{c.name, c.type_name, rows::kind_of_type(c.type_name), c.precision, c.scale, c.nullable};
        out.push_back(std::move(col));
    }
    co_return std::optional<rows::schema>(std::move(out));
}

boost::system::error_code usage(aws::diagnostics& diag, std::string note) {
    diag.client_note = std::move(note);
    return make_error_code(errc::does_not_fit);
}

// Matches the source's names to the target's columns (exactly, else ignoring case, as Redshift
// folds unquoted names to lower case): the decoding schema, or an error naming the column.
// The type a created or added column gets: --column-type, else the source's own (a PostgreSQL
// query's, an extract's), else `fallback`; an error when the source says no type holds its values.
result<std::string> type_for_new_column(const std::string& name, std::size_t index, const load_request& request,
                                        const std::vector<row_source::column_type>& source_types,
                                        const std::string& fallback, aws::diagnostics& diag) {
    auto given = request.column_types.find(name);
    if (given != request.column_types.end()) return given->second;
    if (index >= source_types.size()) return fallback;
    if (source_types[index].ddl.empty()) {
        if (source_types[index].no_ddl.empty()) return fallback;  // no opinion (text): the load's default
        return usage(diag, source_types[index].no_ddl);
    }
    return source_types[index].ddl;
}

result<rows::schema> decoding_schema(const std::vector<std::string>& names, const std::optional<rows::schema>& target,
                                     const load_request& request,
                                     const std::vector<row_source::column_type>& source_types,
                                     std::vector<std::string>& ddl_types,
                                     std::vector<std::pair<std::string, std::string>>& to_add, aws::diagnostics& diag) {
    std::set<std::string> seen;
    rows::schema schema;
    for (std::size_t index = 0; index < names.size(); ++index) {
        const std::string& name = names[index];
        if (!seen.insert(lower(name)).second)
            return usage(diag, "the source names the column \"" + name + "\" twice");
        if (!target) {
            auto typed = type_for_new_column(name, index, request, source_types, "VARCHAR(65535)", diag);
            if (!typed) return typed.error();
            const std::string& type = *typed;
            ddl_types.push_back(type);
            schema.push_back({name, type, kind_of_ddl(type)});
            continue;
        }
        const rows::column* match = nullptr;
        for (const auto& c : *target)
            if (c.name == name) match = &c;
        if (!match)
            for (const auto& c : *target)
                if (lower(c.name) == lower(name)) match = &c;
        if (!match && request.add_columns) {
            auto typed = type_for_new_column(name, index, request, source_types, std::string(), diag);  // "": sized later
            if (!typed) return typed.error();
            const std::string& type = *typed;
            to_add.emplace_back(name, type);
            schema.push_back({name, type.empty() ? "varchar" : type, type.empty() ? rows::value_kind::text : kind_of_ddl(type)});
            continue;
        }
        if (!match)
            return usage(diag, "the source's column \"" + name + "\" is not in " + request.target.quoted() +
                                   " (add --add-columns to add it, or leave it out of the source)");
        rows::column col = *match;
        col.name = match->name;
        schema.push_back(std::move(col));
    }
    auto in_source = [&](const std::string& column) {
        return std::any_of(schema.begin(), schema.end(), [&](const rows::column& c) { return lower(c.name) == lower(column); });
    };
    for (const auto& k : request.keys)
        if (!in_source(k)) return usage(diag, "the --key column \"" + k + "\" is not in the source");
    if (!request.order_by.empty() && !in_source(request.order_by))
        return usage(diag, "the --order-by column \"" + request.order_by + "\" is not in the source");
    if (request.mode == write_mode::upsert && request.keys.empty())
        return usage(diag, "--mode upsert needs --key COLUMN[,COLUMN…]");
    return schema;
}

// --add-columns and VARCHAR widening, from what staging saw (the longest value of each column, in
// bytes, as Redshift measures VARCHAR): the ALTER TABLE statements to run before the transaction.
// A value longer than any VARCHAR (65,535 bytes) is an error naming column, record and length,
// unless --truncate-columns.
result<void> table_changes(const load_request& request, const std::optional<rows::schema>& target,
                           const rows::schema& schema, const std::vector<std::pair<std::string, std::string>>& to_add,
                           const std::vector<stager::longest>& longest, std::vector<std::string>& out,
                           aws::diagnostics& diag) {
    for (std::size_t c = 0; c < schema.size(); ++c) {
        const rows::column& col = schema[c];
        const stager::longest seen = c < longest.size() ? longest[c] : stager::longest{};
        auto added = std::find_if(to_add.begin(), to_add.end(), [&](const auto& a) { return a.first == col.name; });
        const bool is_varchar = col.type_name == "varchar" || col.type_name == "character varying";
        if (seen.bytes > max_varchar_bytes && (is_varchar || col.type_name == "bpchar") && !request.truncate_columns) {
            diag.client_note = "column \"" + col.name + "\": the source's record " + std::to_string(seen.record) +
                               " holds " + std::to_string(seen.bytes) + " bytes, more than any VARCHAR (" +
                               std::to_string(max_varchar_bytes) + "); --truncate-columns cuts such values";
            return make_error_code(errc::does_not_fit);
        }
        if (added != to_add.end()) {
            std::string type = added->second.empty() ? "VARCHAR(" + std::to_string(widened_length(seen.bytes)) + ")"
                                                     : added->second;
            out.push_back(add_column_sql(request.target, col.name, type));
            continue;
        }
        if (!target || !is_varchar || request.truncate_columns) continue;
        const auto declared = static_cast<std::uint64_t>(col.precision > 0 ? col.precision : 0);
        if (declared > 0 && seen.bytes > declared)
            out.push_back(widen_column_sql(request.target, col.name, seen.bytes));
    }
    return {};
}

// Reads the whole source into the stager (staging while reading).
asio::awaitable<result<std::string>> stage_all(row_source& source, stager& staged, aws::diagnostics& diag) {
    for (;;) {
        auto batch = co_await source.async_next(diag);
        if (!batch) co_return batch.error();
        if (!*batch) break;
        auto added = co_await staged.async_add(std::move(*batch), diag);
        if (!added) co_return added.error();
    }
    co_return co_await staged.async_finish(diag);
}

asio::awaitable<result<void>> load(load_environment& env, const load_request& request, row_source& source,
                                   load_stats& stats, aws::diagnostics& diag) {
    say(env, "planning");
    auto names = co_await source.async_open(diag);
    if (!names) co_return names.error();
    auto target = co_await target_columns(env, request, diag);
    if (!target) co_return target.error();
    if (!*target && !request.create_table)
        co_return usage(diag, "the table " + request.target.quoted() + " does not exist (add --create-table to create it "
                              "from the source's columns)");
    std::vector<std::string> source_names = *names;
    if (source_names.empty()) {
        if (!*target) co_return usage(diag, "the source has no column names of its own: give --columns");
        for (const auto& c : **target) source_names.push_back(c.name);
    }
    std::vector<std::string> ddl_types;
    std::vector<std::pair<std::string, std::string>> to_add;  // --add-columns: name, type ("": sized from the data)
    // The source's own types name its own columns (not the target's, when it has no names).
    const auto source_types = names->empty() ? std::vector<row_source::column_type>() : source.column_types();
    auto schema = decoding_schema(source_names, *target, request, source_types, ddl_types, to_add, diag);
    if (!schema) co_return schema.error();
    std::vector<std::string> columns;
    for (const auto& c : *schema) columns.push_back(c.name);
    source.set_schema(*schema);

    // Staging: the marker first; from here on the prefix is removed however the load ends.
    std::string purpose = "load";
    auto run = co_await staging::staging_run::async_begin(env.transfers.s3(), request.staging, std::move(purpose), diag);
    if (!run) co_return run.error();
    stats.run_id = run->run_id();
    const std::string marker = sql::null_marker_for(run->run_id());
    const std::string table_dir = run->prefix() + "data/";
    stager staged(env.transfers, run->bucket(), table_dir, marker, request.file_target_bytes,
                  request.mode == write_mode::upsert);

    auto staging_started = std::chrono::steady_clock::now();
    say(env, "staging");
    auto manifest = co_await stage_all(source, staged, diag);
    stats.rows_read = source.rows_read();
    stats.rows_staged = staged.rows();
    stats.files = staged.files().size();
    stats.bytes_staged = staged.bytes();
    stats.seconds_stage = seconds_since(staging_started);

    result<void> outcome;
    std::vector<std::string> changes;
    if (manifest) {
        auto planned = table_changes(request, *target, *schema, to_add, staged.longest_values(), changes, diag);
        if (!planned) outcome = planned.error();
    }
    if (!manifest) {
        co_await staged.async_stop();
        outcome = manifest.error();
    } else if (!outcome) {
        // a value too long for any VARCHAR: nothing to COPY
    } else {
        apply_spec spec;
        spec.target = request.target;
        spec.stage_table = "shiftsync_stage_" + marker.substr(17, 16);
        spec.columns = columns;
        spec.mode = request.mode;
        spec.keys = request.keys;
        spec.order_by = request.order_by;
        spec.manifest_url = *manifest;
        spec.copy_role = request.copy_role;
        spec.null_marker = marker;
        spec.max_errors = request.max_errors;
        spec.truncate_columns = request.truncate_columns;
        session apply(env.data, request.database, request.workgroup, request.session_keep_alive_seconds, request.wait);
        if (env.endpoint) apply.use_endpoint(*env.endpoint);
        std::optional<std::string> create;
        if (!*target) create = create_table_sql(request.target, columns, ddl_types);
        stats.table_changes = changes;
        engine::async_limiter::permit turn;  // held from BEGIN to COMMIT (or rollback)
        if (env.transactions) {
            say(env, "queued");
            auto got = co_await env.transactions->async_acquire(1, engine::priority::normal);
            if (got) turn = std::move(*got);
            else outcome = got.error();
        }
        if (outcome) {
            say(env, "copy");  // the transaction's phase from BEGIN (a replace's DELETE comes before its COPY)
            outcome = co_await apply_in_transaction(env, apply, spec, create, changes, request, stats, diag);
        }
        turn.reset();
        stats.session_id = apply.id();
        // COPY's errors name a staged file and line: say which source record that is.
        for (auto& e : stats.load_errors) {
            if (e.source_record != 0) continue;
            for (const auto& file : staged.files())
                if (e.file.size() >= file.key.size() && e.file.compare(e.file.size() - file.key.size(), file.key.size(), file.key) == 0)
                    if (auto record = source_record_at(file, static_cast<std::uint64_t>(std::max<std::int64_t>(0, e.line))))
                        e.source_record = *record;
        }
        // …and where that record starts in the source's files.
        for (auto& e : stats.load_errors)
            if (e.source_record != 0)
                if (auto at = source.locate(e.source_record)) {
                    e.source_file = at->file;
                    e.source_line = at->line;
                }
    }

    auto cleaning = std::chrono::steady_clock::now();
    say(env, "cleanup");
    aws::diagnostics cleanup_diag;
    auto cleaned = co_await run->async_remove_all(cleanup_diag);
    stats.seconds_cleanup = seconds_since(cleaning);
    if (!cleaned) {
        if (env.warn)
            env.warn("could not remove the staging prefix " + run->url() + ": " + cleanup_diag.to_string() +
                     " (`shiftsync sweep " + request.staging.url() + "` removes it later)");
    } else {
        for (const auto& refused : cleaned->refused)
            if (env.warn)
                env.warn("S3 refused to delete the staged object s3://" + run->bucket() + "/" + refused.key + ": " +
                         refused.code + " " + refused.message);
    }
    co_return outcome;
}

}  // namespace

asio::awaitable<result<void>> async_load(load_environment& env, const load_request& request, row_source& source,
                                         load_stats& stats, aws::diagnostics& diag) {
    auto body = load(env, request, source, stats, diag);
    co_return co_await engine::cancellation_as_value(std::move(body));
}

}  // namespace shiftsync::transfer::load
