// extract's unload path: columns by LIMIT 0, UNLOAD into a fresh staging run, the manifest, every
// staged file downloaded and decoded (PARALLEL ON: many at once; PARALLEL OFF: in manifest order,
// each file's ranges still in parallel), each checked against the manifest; the run's prefix is
// removed however it ends.

#include "engine/scheduler/async_limiter.hpp"
#include "engine/scheduler/task_group.hpp"
#include "transfer/extract/data_api_rows.hpp"
#include "transfer/extract/manifest.hpp"
#include "transfer/extract/paths.hpp"
#include "transfer/rows/csv_decoder.hpp"
#include "transfer/rows/stream_decoder.hpp"
#include "transfer/extract/unload_statement.hpp"
#include "transfer/s3/download.hpp"
#include "transfer/s3/fan_out.hpp"
#include "transfer/s3/transfer_error.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace shiftsync::transfer::extract::detail {

namespace asio = boost::asio;
namespace rd = aws::redshift_data;
using boost::system::result;

namespace {

// What one staged file's chunks share while they are decoded.
struct staged_file {
    std::size_t stream;
    const manifest_entry* entry;
    rows::stream_decoder decoder;
    row_sink* sink;
    std::string sink_failure;
};

asio::awaitable<result<void>> write_batches(staged_file& file, rows::stream_decoder::batches batches) {
    for (auto& batch : batches) {
        auto written = co_await file.sink->async_write(file.stream, std::move(batch));
        if (!written) {
            file.sink_failure = file.sink->failure();
            co_return written.error();
        }
    }
    co_return result<void>{};
}

struct decoded {
    bool ok = false;
    rows::stream_decoder::batches batches;
};

asio::awaitable<result<void>> consume_chunk(engine::cpu_pool& cpu, std::shared_ptr<staged_file> file,
                                            std::span<const char> chunk) {
    auto decode = [file, chunk]() {
        decoded out;
        out.ok = file->decoder.feed(std::string_view(chunk.data(), chunk.size()), out.batches);
        return out;
    };
    decoded done = co_await cpu.async_run(std::move(decode));
    if (!done.ok) co_return make_error_code(errc::malformed_data);
    co_return co_await write_batches(*file, std::move(done.batches));
}

asio::awaitable<void> read_staged_file(extract_environment& env, const rows::schema& columns,
                                       const std::string& null_marker, std::size_t stream, const manifest_entry& entry,
                                       row_sink& sink, extract_stats& stats, s3::fan_out_failure& failure) {
    if (failure.error) co_return;
    rows::csv_dialect dialect{',', null_marker, false};
    auto records = std::make_unique<rows::csv_decoder>(columns, dialect);
    auto file = std::make_shared<staged_file>(staged_file{
        stream, &entry, rows::stream_decoder(columns.size(), std::move(records), codec::compression::gzip), &sink, {}});
    engine::cpu_pool& cpu = env.cpu;
    s3::chunk_consumer consume = [&cpu, file](std::span<const char> chunk) { return consume_chunk(cpu, file, chunk); };
    aws::diagnostics diag;
    std::optional<s3::known_object> known = s3::known_object{entry.content_length, {}};
    s3::object_location from{entry.bucket, entry.key};
    auto downloaded = co_await s3::async_download_stream(*env.transfers, from, consume, known, diag);
    if (!downloaded) {
        if (!file->decoder.error().empty()) diag.client_note = entry.url + ": " + file->decoder.error();
        else if (!file->sink_failure.empty()) diag.client_note = file->sink_failure;
        else if (diag.code == "NoSuchKey")
            diag.client_note = "the staged file " + entry.url + " that the manifest lists is missing";
        else
            diag.client_note = "downloading " + entry.url + " failed" + (diag.client_note.empty() ? "" : ": " + diag.client_note);
        failure.record(downloaded.error(), diag);
        co_return;
    }
    auto finish = [file]() {
        decoded out;
        out.ok = file->decoder.finish(out.batches) &&
                 file->decoder.verify(file->entry->content_length, file->entry->record_count);
        return out;
    };
    decoded last = co_await cpu.async_run(std::move(finish));
    stats.bytes_downloaded += file->decoder.compressed_bytes();
    if (!last.ok) {
        diag.client_note = entry.url + ": " + file->decoder.error();
        failure.record(make_error_code(errc::verification_failed), diag);
        co_return;
    }
    auto written = co_await write_batches(*file, std::move(last.batches));
    if (!written) {
        diag.client_note = file->sink_failure;
        failure.record(written.error(), diag);
        co_return;
    }
    ++env.transfers->counters().objects;
}

// CancelStatement only asks: a cancelled UNLOAD may still be writing files. Waits (up to a minute)
// until Redshift says the statement ended, so that the cleanup after it sees every file it wrote;
// a file written after the cleanup would sit under a prefix without its marker, out of the sweep's
// reach. Runs after a cancellation too (it resets the cancellation state).
asio::awaitable<void> wait_until_ended(extract_environment& env, const std::string& statement_id) {
    co_await asio::this_coro::reset_cancellation_state();
    asio::steady_timer pause(co_await asio::this_coro::executor);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(1);
    std::chrono::milliseconds wait{50};
    while (std::chrono::steady_clock::now() < deadline) {
        aws::diagnostics ignored;
        auto seen = co_await env.data.async_describe_statement(statement_id, ignored);
        if (seen && rd::is_terminal(seen->status)) co_return;
        if (!seen && ignored.http_status >= 400 && ignored.http_status < 500) co_return;  // gone, or not ours
        pause.expires_after(wait);
        boost::system::error_code ec;
        co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        if (ec) co_return;
        wait = std::min(wait * 2, std::chrono::milliseconds(1000));
    }
    if (env.warn)
        env.warn("the UNLOAD statement " + statement_id + " had not ended a minute after it was cancelled; files it "
                 "writes later are not removed");
}

// Redshift's words for a role it may not assume, with what to change.
void explain_unload_failure(const extract_request& request, aws::diagnostics& diag) {
    const std::string& text = diag.message.empty() ? diag.client_note : diag.message;
    if (text.find("not authorized to assume") != std::string::npos ||
        text.find("Not authorized to get credentials") != std::string::npos) {
        diag.client_note = "Redshift could not assume " + request.unload_role +
                           " to write the UNLOAD's files: the role's trust policy needs a statement allowing the "
                           "service principal redshift.amazonaws.com to sts:AssumeRole (the connector guide's "
                           "trust-policy-with-redshift.json), and the role must be associated with the workgroup; "
                           "or pass --unload-role with a role that has both";
    }
}

asio::awaitable<result<unload_manifest>> read_manifest(extract_environment& env, const std::string& bucket,
                                                       const std::string& key, aws::diagnostics& diag) {
    std::string body;
    engine::http::body_sink into_string = engine::http::string_sink{};
    auto got = co_await env.transfers->s3().async_get_object(bucket, key, std::nullopt, into_string, diag, &body);
    if (!got) {
        diag.client_note = "reading the UNLOAD manifest s3://" + bucket + "/" + key + " failed";
        co_return got.error();
    }
    std::string why;
    auto manifest = parse_manifest(body, why);
    if (!manifest) {
        diag.client_note = "s3://" + bucket + "/" + key + ": " + why;
        co_return make_error_code(errc::malformed_data);
    }
    co_return std::move(*manifest);
}

asio::awaitable<result<rows::schema>> columns_of(extract_environment& env, const extract_request& request,
                                                 extract_stats& stats, aws::diagnostics& diag) {
    std::string columns_sql = columns_only_sql(request.sql);
    auto page = co_await first_page(env, request, std::move(columns_sql), stats.describe_calls, diag);
    if (!page) co_return page.error();
    if (page->columns.empty()) {
        diag.client_note = "the query returns no columns to extract";
        co_return make_error_code(errc::malformed_data);
    }
    co_return schema_of(page->columns);
}

asio::awaitable<result<void>> read_unloaded(extract_environment& env, const extract_request& request,
                                            staging::staging_run& run, const unload_spec& spec,
                                            const rows::schema& columns, row_sink& sink, extract_stats& stats,
                                            aws::diagnostics& diag);

asio::awaitable<result<void>> unload_and_read(extract_environment& env, const extract_request& request,
                                              staging::staging_run& run, const rows::schema& columns, row_sink& sink,
                                              extract_stats& stats, aws::diagnostics& diag) {
    engine::async_limiter::permit turn;  // held until the UNLOAD ended
    if (env.unloads) {
        say_phase(env, "queued");
        auto got = co_await env.unloads->async_acquire(1, engine::priority::normal);
        if (!got) co_return got.error();
        turn = std::move(*got);
    }
    auto running = std::chrono::steady_clock::now();
    say_phase(env, "statement");
    unload_spec spec;
    spec.query = request.sql;
    spec.destination = run.url("result/");
    spec.iam_role = request.unload_role;
    spec.null_marker = null_marker_for(run.run_id());
    spec.parallel = !has_outer_order_by(request.sql);
    spec.max_file_size_mb = request.max_file_size_mb;
    if (env.endpoint) {
        std::string unload = unload_sql(spec);
        auto unloaded = co_await run_on_endpoint(env, std::move(unload), diag);
        stats.seconds_statement = seconds_since(running);
        if (!unloaded) {
            explain_unload_failure(request, diag);
            co_return unloaded.error();
        }
        turn.reset();
        co_return co_await read_unloaded(env, request, run, spec, columns, sink, stats, diag);
    }
    rd::execute_request statement{.sql = unload_sql(spec), .database = request.database, .workgroup = request.workgroup};
    auto started = co_await env.data.async_execute_statement(statement, diag);
    if (!started) co_return started.error();
    stats.statement_id = started->id;
    int polls = 0;
    // A client of its own for the UNLOAD: its run time says nothing about the quick statements beside it.
    rd::redshift_data_client bulk(env.data.service());
    const rd::wait_policy policy = rd::bulk_wait_policy(request.wait);
    auto done = co_await bulk.async_wait_for(started->id, diag, policy, &polls);
    stats.describe_calls += polls;
    stats.seconds_statement = seconds_since(running);
    if (!done) {
        explain_unload_failure(request, diag);
        co_await wait_until_ended(env, started->id);
        co_return done.error();
    }
    turn.reset();
    co_return co_await read_unloaded(env, request, run, spec, columns, sink, stats, diag);
}

// The UNLOAD's files, by its manifest: downloaded, decoded and written; counts checked.
asio::awaitable<result<void>> read_unloaded(extract_environment& env, const extract_request& request,
                                            staging::staging_run& run, const unload_spec& spec,
                                            const rows::schema& columns, row_sink& sink, extract_stats& stats,
                                            aws::diagnostics& diag) {
    auto transferring = std::chrono::steady_clock::now();
    say_phase(env, "transfer");
    std::string manifest_key = run.prefix() + "result/manifest";
    auto manifest = co_await read_manifest(env, run.bucket(), manifest_key, diag);
    if (!manifest) co_return manifest.error();
    stats.files = manifest->entries.size();
    for (const auto& e : manifest->entries) stats.bytes_staged += e.content_length;
    env.transfers->counters().bytes_expected += stats.bytes_staged;  // for progress: files and bytes to fetch
    env.transfers->counters().objects_expected += stats.files;

    auto open = co_await sink.async_open(columns, std::max<std::size_t>(1, manifest->entries.size()));
    if (!open) {
        diag.client_note = sink.failure();
        co_return open.error();
    }
    s3::fan_out_failure failure;
    {
        // PARALLEL OFF wrote the rows in order across files: read them one after another.
        std::size_t at_once = spec.parallel ? std::max<std::size_t>(1, request.files_in_flight) : 1;
        engine::task_group files(co_await asio::this_coro::executor, at_once);
        for (std::size_t i = 0; i < manifest->entries.size() && !failure.error; ++i) {
            auto task = read_staged_file(env, columns, spec.null_marker, i, manifest->entries[i], sink, stats, failure);
            co_await files.async_spawn(std::move(task));
        }
        co_await files.async_wait();
    }
    stats.seconds_transfer = seconds_since(transferring);
    if (failure.error) {
        diag = failure.diag;
        co_return failure.error;
    }
    if (manifest->record_count && *manifest->record_count != sink.rows_written()) {
        diag.client_note = "wrote " + std::to_string(sink.rows_written()) + " rows where the manifest counts " +
                           std::to_string(*manifest->record_count);
        co_return make_error_code(errc::verification_failed);
    }
    co_return result<void>{};
}

}  // namespace

asio::awaitable<result<void>> read_by_unload(extract_environment& env, const extract_request& request, row_sink& sink,
                                             extract_stats& stats, aws::diagnostics& diag) {
    if (!env.transfers || !request.staging) {
        diag.client_note = "the unload path needs a staging location (--staging s3://<bucket>/<prefix>/)";
        co_return make_error_code(errc::source_missing);
    }
    auto planning = std::chrono::steady_clock::now();
    // The marker goes first: from here on, whatever fails, the prefix is removed (or swept).
    std::string purpose = "extract";
    auto run = co_await staging::staging_run::async_begin(env.transfers->s3(), *request.staging, std::move(purpose), diag);
    if (!run) {
        if (diag.client_note.empty())
            diag.client_note = "could not write the run marker under " + request.staging->url();
        co_return run.error();
    }
    stats.run_id = run->run_id();

    result<void> outcome;
    auto columns = co_await columns_of(env, request, stats, diag);
    stats.seconds_plan += seconds_since(planning);
    if (!columns)
        outcome = columns.error();
    else
        outcome = co_await unload_and_read(env, request, *run, *columns, sink, stats, diag);

    // Whatever happened above (cancellation included: async_remove_all resets it), the prefix goes.
    auto cleaning = std::chrono::steady_clock::now();
    say_phase(env, "cleanup");
    aws::diagnostics cleanup_diag;
    auto cleaned = co_await run->async_remove_all(cleanup_diag);
    stats.seconds_cleanup = seconds_since(cleaning);
    if (!cleaned) {
        if (env.warn)
            env.warn("could not remove the staging prefix " + run->url() + ": " + cleanup_diag.to_string() +
                     " (`shiftsync sweep " + request.staging->url() + "` removes it later)");
    } else {
        stats.cleanup_refused = cleaned->refused.size();
        for (const auto& refused : cleaned->refused)
            if (env.warn)
                env.warn("S3 refused to delete the staged object s3://" + run->bucket() + "/" + refused.key + ": " +
                         refused.code + " " + refused.message);
    }
    co_return outcome;
}

}  // namespace shiftsync::transfer::extract::detail
