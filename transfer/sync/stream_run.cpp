// One sync stream's run (stream_run.hpp): where it left off, the source's query, the direction's
// transfer with the cursor written beside the rows, and the files' publication.

#include "transfer/sync/stream_run.hpp"

#include "engine/scheduler/cancellation.hpp"
#include "transfer/extract/postgres_sink.hpp"
#include "transfer/sync/turn_taking_sink.hpp"
#include "transfer/load/extract_source.hpp"
#include "transfer/load/load.hpp"
#include "transfer/load/postgres_source.hpp"
#include "transfer/s3/transfer_error.hpp"
#include "transfer/staging/prefix_cleanup.hpp"
#include "transfer/staging/run_marker.hpp"
#include "transfer/sync/published_run.hpp"
#include "transfer/sync/row_watch.hpp"
#include "transfer/sync/source_query.hpp"
#include "transfer/sync/destination_state.hpp"
#include "transfer/sync/destination_state_io.hpp"

#include <boost/asio/this_coro.hpp>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <functional>
#include <mutex>

namespace shiftsync::transfer::sync {

namespace asio = boost::asio;
namespace rd = aws::redshift_data;
namespace fs = std::filesystem;
using boost::system::error_code;
using boost::system::result;

namespace {

error_code fail(aws::diagnostics& diag, std::string why, errc code = errc::malformed_data) {
    diag.client_note = std::move(why);
    return make_error_code(code);
}

std::string utc_now() {
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &tm);
    return text;
}

std::string detail_of(const stream_plan& plan, const std::optional<std::string>& bound) {
    std::string mode = plan.incremental ? "incremental" : "full refresh";
    std::string write = plan.write == write_kind::upsert ? "upsert" : plan.write == write_kind::replace ? "replace" : "append";
    std::string out = mode + " " + write;
    if (plan.incremental) out += bound ? ", \"" + plan.cursor + "\" >= '" + *bound + "'" : ", first run: every row";
    return out;
}

// ---- the directions --------------------------------------------------------------------------

struct run_context {
    sync_pools& pools;
    const stream_plan& plan;
    const std::string& run_id;
    stream_hooks& hooks;
    stream_report& report;
    cursor_truth truth;
    std::optional<std::string> bound;
    std::string source_sql;

    void phase(std::string_view p) {
        if (hooks.live) {
            if (hooks.live->phase == p) return;
            hooks.live->phase = std::string(p);
        }
        if (hooks.phase) hooks.phase(p);
    }
    void warn(const std::string& text) {
        if (hooks.warn) hooks.warn(text);
    }
    // The cursor after this run: the greatest of what it saw and where it was.
    std::optional<std::string> next_cursor(const row_watcher& watcher) const {
        const auto& seen = watcher.max_cursor();
        if (!plan.incremental) return std::nullopt;
        if (!seen) return truth.cursor;
        if (!truth.cursor) return seen;
        auto kind = watcher.has_cursor() ? watcher.cursor_kind() : kind_from_name(truth.kind).value_or(rows::value_kind::text);
        return compare_cursor(kind, *seen, *truth.cursor) > 0 ? seen : truth.cursor;
    }
    std::string kind_name(const row_watcher& watcher) const {
        if (watcher.has_cursor()) return std::string(rows::to_string(watcher.cursor_kind()));
        return truth.kind;
    }
    destination_state state_row(const row_watcher& watcher, std::uint64_t rows) const {
        return destination_state{plan.name, plan.incremental ? plan.cursor : "", kind_name(watcher), next_cursor(watcher),
                                 run_id, rows, utc_now()};
    }
};

extract::extract_request extract_request_for(run_context& rc) {
    const auto& src = *rc.plan.source_redshift;
    extract::extract_request request;
    request.sql = rc.source_sql;
    request.database = src.database;
    request.workgroup = src.workgroup;
    request.via = rc.plan.via;
    request.staging = src.staging;
    request.unload_role = src.unload_role;
    if (!src.staging || !src.transfers) request.via = extract::read_path::data_api;
    return request;
}

asio::awaitable<result<void>> run_extract(run_context& rc, std::unique_ptr<extract::row_sink> sink,
                                          extract::extract_stats& stats, aws::diagnostics& diag) {
    const auto& src = *rc.plan.source_redshift;
    extract::extract_environment env{*src.data, rc.pools.cpu, src.transfers, [&rc](const std::string& w) { rc.warn(w); },
                                     {}};
    env.endpoint = src.endpoint;
    env.unloads = src.unloads;
    env.progress.phase = [&rc](std::string_view p) { rc.phase(p == "transfer" ? "extract" : p); };
    auto request = extract_request_for(rc);
    auto done = co_await extract::async_extract(env, request, *sink, diag);
    if (!done) co_return done.error();
    stats = *done;
    co_return result<void>{};
}

// Redshift → PostgreSQL: the state row in the sink's transaction.
asio::awaitable<result<void>> to_postgres(run_context& rc, row_watcher& watcher, aws::diagnostics& diag) {
    const auto& plan = rc.plan;
    auto name = sql::parse_table_name(plan.destination_table, sql::unquoted_names::folded);
    if (!name) co_return fail(diag, "'" + plan.destination_table + "' is not a table name (SCHEMA.TABLE or TABLE)");
    extract::postgres_sink_options options;
    options.application_name = "shiftsync sync";
    options.write = plan.write == write_kind::upsert    ? extract::postgres_write::upsert
                    : plan.write == write_kind::replace ? extract::postgres_write::replace
                                                        : extract::postgres_write::append;
    options.keys = plan.primary_key;
    // No order_by: the source is the truth. A run reads each row's current version, runs of a stream
    // never overlap (the state file's lock) and a killed run never commits, so a batch is never older
    // than the destination; a row whose cursor moved back in the source moves back here too.
    options.before_commit = [&rc, &watcher](std::uint64_t rows) {
        return write_state_sql(rc.plan.state_schema, rc.state_row(watcher, rows), sql_dialect::postgres);
    };
    auto inner = extract::make_postgres_sink(rc.pools.blocking, plan.destination_postgres->dsn, name->schema, name->table,
                                             std::move(options));
    if (auto* limit = plan.destination_postgres->loads)
        inner = make_turn_taking_sink(std::move(inner), *limit, [&rc](std::string_view p) { rc.phase(p); });
    auto sink = make_watching_sink(std::move(inner), watcher);
    extract::extract_stats stats;
    auto done = co_await run_extract(rc, std::move(sink), stats, diag);
    if (!done) co_return done;
    rc.report.rows = stats.rows;
    rc.report.bytes = stats.bytes_written;
    co_return result<void>{};
}

// A files destination's stream: its directory, or its S3 prefix (ending in '/'); a run's lies below.
std::string stream_location(const stream_plan& plan) {
    const auto& place = *plan.destination_files;
    if (!place.is_s3()) return (fs::path(place.directory) / plan.destination_path).string();
    std::string prefix = place.prefix + plan.destination_path;
    if (!prefix.empty() && prefix.back() != '/') prefix += '/';
    return prefix;
}

std::string run_location(const stream_plan& plan, const std::string& run) {
    if (!plan.destination_files->is_s3()) return (fs::path(stream_location(plan)) / run).string();
    return stream_location(plan) + run + "/";
}

// write: replace into files: once the new run is published, the stream's older run directories
// (prefixes) go, so the path holds exactly one copy of the table. A failure here only warns: the
// new run is out, the old ones are merely still there.
asio::awaitable<void> remove_older_runs(run_context& rc, aws::diagnostics& diag) {
    const auto& plan = rc.plan;
    const auto& place = *plan.destination_files;
    if (!place.is_s3()) {
        for (const auto& dir : run_directories(stream_location(plan))) {
            if (fs::path(dir).filename() == rc.run_id || !staging::is_run_id(fs::path(dir).filename().string())) continue;
            std::string why;
            if (!remove_run_directory(dir, why)) rc.warn("replaced run not removed: " + why);
        }
        co_return;
    }
    const std::string stream_prefix = stream_location(plan);
    aws::s3::list_request request{.prefix = stream_prefix, .delimiter = "/"};
    std::vector<std::string> older;
    do {
        auto page = co_await place.transfers->s3().async_list_objects_v2(place.bucket, request, diag);
        if (!page) {
            rc.warn("could not list s3://" + place.bucket + "/" + stream_prefix + " to remove replaced runs: " + diag.to_string());
            co_return;
        }
        for (const auto& folder : page->common_prefixes) {
            std::string run = folder.substr(stream_prefix.size(), folder.size() - stream_prefix.size() - 1);
            if (run != rc.run_id && staging::is_run_id(run)) older.push_back(folder);
        }
        request.continuation_token = page->next_continuation_token;
    } while (!request.continuation_token.empty());
    for (auto& folder : older) {
        // _SUCCESS.json first: a run removed halfway must look unpublished, never whole.
        const std::string success = folder + std::string(success_name);
        aws::diagnostics ignored;
        auto unpublished = co_await place.transfers->s3().async_delete_object(place.bucket, success, ignored);
        if (!unpublished) {
            rc.warn("a replaced run was not removed: " + ignored.to_string());
            continue;
        }
        std::string no_last_key;
        auto removed = co_await staging::async_delete_prefix(place.transfers->s3(), place.bucket, std::move(folder),
                                                             std::move(no_last_key), ignored);
        if (!removed) rc.warn("a replaced run was not removed: " + ignored.to_string());
    }
}

// Redshift → files: `<path>/<run_id>/`, then _SUCCESS.json.
asio::awaitable<result<void>> to_files(run_context& rc, row_watcher& watcher, aws::diagnostics& diag) {
    const auto& plan = rc.plan;
    const auto& place = *plan.destination_files;
    extract::sink_format format{plan.file_format, plan.gzip ? codec::compression::gzip : codec::compression::none};
    std::unique_ptr<extract::row_sink> inner;
    const std::string run_at = run_location(plan, rc.run_id);  // a directory, or an S3 prefix
    if (place.is_s3()) inner = extract::make_s3_prefix_sink(*place.transfers, place.bucket, run_at, format);
    else inner = extract::make_directory_sink(rc.pools.cpu, run_at, format);
    auto sink = make_watching_sink(std::move(inner), watcher);
    extract::extract_stats stats;
    auto done = co_await run_extract(rc, std::move(sink), stats, diag);
    if (!done) co_return done;
    rc.report.rows = stats.rows;
    rc.report.bytes = stats.bytes_written;

    rc.phase("publish");
    published_run published;
    published.stream = plan.name;
    published.run_id = rc.run_id;
    published.cursor_column = plan.incremental ? plan.cursor : "";
    published.cursor_kind = rc.kind_name(watcher);
    published.cursor = rc.next_cursor(watcher);
    published.rows = stats.rows;
    published.boundary = watcher.take_boundary();
    if (place.is_s3()) {
        auto put = co_await async_put_published(place.transfers->s3(), place.bucket, run_at, published, diag);
        if (!put) co_return put;
    } else {
        std::string why;
        if (!write_published_file(run_at, published, why)) co_return fail(diag, why, errc::destination_failed);
    }
    if (plan.write == write_kind::replace) co_await remove_older_runs(rc, diag);
    co_return result<void>{};
}

// Anything → Redshift: load, with the state row in its transaction.
asio::awaitable<result<void>> to_redshift(run_context& rc, row_watcher& watcher, load::row_source& source,
                                          aws::diagnostics& diag) {
    const auto& plan = rc.plan;
    const auto& dest = *plan.destination_redshift;
    if (!dest.staging || !dest.transfers)
        co_return fail(diag, "the Redshift connection '" + dest.name + "' has no staging bucket: loads stage their files there");
    auto target = sql::parse_table_name(plan.destination_table, sql::unquoted_names::kept);
    if (!target || target->schema.empty())
        co_return fail(diag, "'" + plan.destination_table + "' is not a SCHEMA.TABLE name");
    load::load_request request;
    request.database = dest.database;
    request.workgroup = dest.workgroup;
    request.target = *target;
    request.mode = plan.write == write_kind::upsert    ? load::write_mode::upsert
                   : plan.write == write_kind::replace ? load::write_mode::replace
                                                       : load::write_mode::append;
    request.keys = plan.primary_key;  // no order_by: the source is the truth (see to_postgres)
    request.create_table = true;
    request.add_columns = true;
    request.staging = *dest.staging;
    request.copy_role = dest.copy_role;
    request.session_keep_alive_seconds = plan.session_keep_alive_seconds;
    request.file_target_bytes = std::min<std::uint64_t>(64ull << 20, std::max<std::uint64_t>(1u << 20, dest.transfers->memory().total() / 16));
    request.before_commit = [&rc, &watcher](const load::load_stats& stats) {
        rc.phase("state");
        return write_state_sql(rc.plan.state_schema, rc.state_row(watcher, stats.rows_loaded), sql_dialect::redshift);
    };
    auto watched = make_watching_source(source, watcher);
    load::load_environment env{*dest.data, *dest.transfers, [&rc](const std::string& w) { rc.warn(w); },
                               [&rc](std::string_view p) { rc.phase(p == "staging" ? "stage" : p); }};
    env.endpoint = dest.endpoint;
    env.transactions = dest.loads;
    load::load_stats stats;
    auto done = co_await load::async_load(env, request, *watched, stats, diag);
    for (const auto& e : stats.load_errors)
        rc.warn("COPY refused " +
                (e.source_file.empty() ? "source record " + std::to_string(e.source_record)
                                       : e.source_file + " line " + std::to_string(e.source_line)) +
                (e.column.empty() ? "" : " column \"" + e.column + "\"") + ": " + e.reason);
    if (!done) co_return done;
    rc.report.rows = stats.rows_loaded;
    rc.report.bytes = stats.bytes_staged;
    co_return result<void>{};
}

// Files of a local directory: CSV or NDJSON by their names (.ndjson/.jsonl), plain or compressed.
result<std::unique_ptr<load::row_source>> files_source(run_context& rc, aws::diagnostics& diag) {
    const auto& place = *rc.plan.source_files;
    if (place.is_s3()) return fail(diag, "reading an S3 prefix as a sync source is not built yet; copy it to a directory first");
    std::string why;
    auto paths = load::source_paths((fs::path(place.directory) / rc.plan.source_table).string(), why);
    if (paths.empty()) return fail(diag, "the stream's source " + rc.plan.source_table + ": " + why);
    load::file_source_options options;
    options.format = rc.plan.source_format == rows::output_format::csv ? load::source_format::csv
                                                                       : load::source_format::ndjson;
    options.header = options.format == load::source_format::csv;
    return load::make_file_source(rc.pools.cpu, rc.pools.files, std::move(paths), options);
}

// Files destinations: adopt a run that published but never told the local state; remove one
// that did not publish. Returns the boundary of the last published run.
asio::awaitable<result<std::optional<published_run>>> settle_files(run_context& rc, const stream_start& start,
                                                                  aws::diagnostics& diag) {
    const auto& plan = rc.plan;
    const auto& place = *plan.destination_files;
    auto read = [&](const std::string& run) -> asio::awaitable<result<std::optional<published_run>>> {
        if (run.empty()) co_return std::optional<published_run>{};
        if (place.is_s3()) {
            const std::string prefix = run_location(plan, run);
            auto got = co_await async_get_published(place.transfers->s3(), place.bucket, prefix, diag);
            co_return got;
        }
        std::string why;
        auto found = read_published_file(run_location(plan, run), why);
        if (!found && !why.empty()) co_return fail(diag, why);
        co_return found;
    };
    std::optional<published_run> last;
    if (!start.pending_run_id.empty()) {
        auto pending = co_await read(start.pending_run_id);
        if (!pending) co_return pending.error();
        if (*pending) {
            rc.report.adopted_run = start.pending_run_id;
            co_return std::move(*pending);
        }
        rc.report.removed_run = start.pending_run_id;
        if (place.is_s3()) {
            std::string prefix = run_location(plan, start.pending_run_id);
            std::string no_last_key;
            auto removed = co_await staging::async_delete_prefix(place.transfers->s3(), place.bucket, std::move(prefix),
                                                                 std::move(no_last_key), diag);
            if (!removed) co_return removed.error();
        } else {
            std::string why;
            if (!remove_run_directory(run_location(plan, start.pending_run_id), why)) co_return fail(diag, why);
        }
    }
    auto previous = co_await read(start.last_run_id);
    if (!previous) co_return previous.error();
    last = std::move(*previous);
    co_return last;
}

asio::awaitable<result<stream_report>> run_stream(sync_pools& pools, const stream_plan& plan, const stream_start& start,
                                                  const std::string& run_id, stream_hooks& hooks, aws::diagnostics& diag) {
    // Cancelled (Ctrl-C), the transfers below roll back and clean up through their own slots; this
    // coroutine must not throw past them (the Redshift source is closed after the load either way).
    co_await asio::this_coro::throw_if_cancelled(false);
    stream_report report;
    report.run_id = run_id;
    run_context rc{pools, plan, run_id, hooks, report, {}, {}, {}};
    rc.phase("planning");

    // Where the stream left off.
    std::optional<published_run> last_published;
    switch (plan.destination_kind) {
        case place_kind::redshift:
        case place_kind::postgres: {
            auto truth = co_await async_read_cursor_truth(pools.blocking, plan, diag);
            if (!truth) co_return truth.error();
            rc.truth = std::move(*truth);
            break;
        }
        case place_kind::files: {
            auto settled = co_await settle_files(rc, start, diag);
            if (!settled) co_return settled.error();
            last_published = std::move(*settled);
            if (last_published) {
                rc.truth.cursor = last_published->cursor;
                rc.truth.kind = last_published->cursor_kind;
                rc.truth.column = last_published->cursor_column;
            }
            if (!report.adopted_run.empty()) {
                // The pending run published: it is this run's result; nothing more to do now.
                report.cursor_before = report.cursor_after = rc.truth.cursor;
                report.cursor_kind = rc.truth.kind;
                report.rows = last_published->rows;
                report.detail = "adopted run " + report.adopted_run + ", which published before the worker stopped";
                co_return report;
            }
            break;
        }
    }
    if (!plan.incremental || rc.truth.column != plan.cursor) {
        // Full refresh, or the cursor column changed since: start over.
        if (plan.incremental && rc.truth.cursor && !rc.truth.column.empty())
            rc.warn("the cursor column changed from \"" + rc.truth.column + "\" to \"" + plan.cursor + "\": reading every row again");
        rc.truth.cursor.reset();
    }
    report.cursor_before = rc.truth.cursor;
    report.cursor_kind = rc.truth.kind;
    auto kind = kind_from_name(rc.truth.kind).value_or(rows::value_kind::text);
    if (plan.incremental && rc.truth.cursor) {
        std::string why;
        rc.bound = cursor_lower_bound(kind, *rc.truth.cursor, plan.lookback, why);
        if (!rc.bound) co_return fail(diag, "stream " + plan.name + ": lookback " + plan.lookback_text + ": " + why, errc::does_not_fit);
    }
    report.detail = detail_of(plan, rc.bound);

    watch_options watch;
    if (plan.incremental) {
        watch.cursor = plan.cursor;
        watch.lower_bound = rc.bound;
        watch.lookback = plan.lookback;
        if (plan.destination_kind == place_kind::files) {
            watch.keys = plan.primary_key;
            watch.collect_boundary = true;
            if (last_published && last_published->cursor_column == plan.cursor) watch.previous = &last_published->boundary;
        }
    }
    watch.exclude = plan.exclude;
    if (hooks.live) watch.live_rows = &hooks.live->rows;
    if (plan.destination_kind == place_kind::postgres) watch.on_commit = [&rc] { rc.phase("merge"); };
    row_watcher watcher(std::move(watch));

    if (plan.source_kind != place_kind::files) {
        source_query_spec spec{plan.source_table, plan.source_sql, plan.columns, plan.where,
                               plan.incremental ? plan.cursor : "", rc.bound, kind,
                               plan.source_kind == place_kind::postgres ? sql_dialect::postgres : sql_dialect::redshift};
        std::string why;
        rc.source_sql = build_source_query(spec, why);
        if (rc.source_sql.empty()) co_return fail(diag, "stream " + plan.name + ": " + why, errc::does_not_fit);
    }

    result<void> done;
    std::optional<extract::extract_environment> extract_env;  // outlives a Redshift source's extract
    load::extract_source* from_redshift = nullptr;
    switch (plan.destination_kind) {
        case place_kind::postgres:
            if (plan.source_kind != place_kind::redshift)
                co_return fail(diag, "a PostgreSQL destination takes a Redshift source", errc::does_not_fit);
            done = co_await to_postgres(rc, watcher, diag);
            break;
        case place_kind::files:
            if (plan.source_kind != place_kind::redshift)
                co_return fail(diag, "a files destination takes a Redshift source", errc::does_not_fit);
            done = co_await to_files(rc, watcher, diag);
            break;
        case place_kind::redshift: {
            std::unique_ptr<load::row_source> source;
            if (plan.source_kind == place_kind::files) {
                auto made = files_source(rc, diag);
                if (!made) co_return made.error();
                source = std::move(*made);
            } else if (plan.source_kind == place_kind::postgres) {
                load::postgres_source_options options;
                options.application_name = "shiftsync sync";
                source = load::make_postgres_source(pools.blocking, pools.cpu, plan.source_postgres->dsn, rc.source_sql,
                                                    options);
            } else {
                // Redshift → Redshift: the extract feeds the load through a bounded channel.
                const auto& src = *plan.source_redshift;
                extract_env.emplace(extract::extract_environment{*src.data, pools.cpu, src.transfers,
                                                                 [&rc](const std::string& w) { rc.warn(w); }, {}});
                auto request = extract_request_for(rc);
                auto made = load::make_extract_source(*extract_env, std::move(request));
                from_redshift = made.get();
                source = std::move(made);
            }
            done = co_await to_redshift(rc, watcher, *source, diag);
            if (from_redshift) co_await from_redshift->async_close();
            break;
        }
    }
    report.rows_below_bound = watcher.rows_below_bound();
    report.rows_already_published = watcher.rows_already_published();
    if (!done) co_return done.error();
    report.cursor_after = rc.next_cursor(watcher);
    if (!report.cursor_after) report.cursor_after = rc.truth.cursor;
    report.cursor_kind = rc.kind_name(watcher);
    co_return report;
}

}  // namespace

asio::awaitable<result<stream_report>> async_run_stream(sync_pools& pools, const stream_plan& plan,
                                                       const stream_start& start, const std::string& run_id,
                                                       stream_hooks& hooks, aws::diagnostics& diag) {
    auto body = run_stream(pools, plan, start, run_id, hooks, diag);
    co_return co_await engine::cancellation_as_value(std::move(body));
}

}  // namespace shiftsync::transfer::sync
