#include "tools/shiftsync/sync/sync_worker.hpp"

#include "engine/error.hpp"
#include "engine/scheduler/cancellation.hpp"
#include "aws/s3/s3_client.hpp"
#include "engine/scheduler/task_group.hpp"
#include "tools/shiftsync/commands/s3_errors.hpp"
#include "transfer/staging/run_marker.hpp"
#include "transfer/staging/sweep.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/this_coro.hpp>

#include <chrono>
#include <ctime>
#include <set>
#include <unistd.h>

namespace shiftsync::cli {

namespace asio = boost::asio;
namespace ts = transfer::sync;

namespace {

std::int64_t unix_now() { return static_cast<std::int64_t>(std::time(nullptr)); }

std::string owner_name() { return "shiftsync sync pid " + std::to_string(::getpid()); }

}  // namespace

// Multipart uploads a killed run left open (an S3 destination's part files): aborted where the
// credentials may; the guide grants no s3:AbortMultipartUpload, so a refusal is said once, with the
// lifecycle rule that cleans them up instead, and the journal keeps them for `shiftsync rm
// --incomplete-uploads` with more permission.
asio::awaitable<void> sync_worker::abort_journaled_uploads() {
    auto open = journal_.open_entries();
    if (!open || open->empty()) co_return;
    const auto buckets = places_.buckets();
    std::vector<transfer::s3::journal_entry> done;
    std::size_t refused = 0;
    for (const auto& e : *open) {
        auto it = buckets.find(e.bucket);
        if (it == buckets.end()) continue;
        aws::diagnostics diag;
        auto aborted = co_await it->second->async_abort_multipart_upload(e.bucket, e.key, e.upload_id, diag);
        if (aborted || diag.code == "NoSuchUpload") done.push_back(e);
        else ++refused;
    }
    if (!done.empty()) (void)journal_.forget(done);
    if (refused)
        display_.warning("", std::to_string(refused) + " unfinished multipart upload(s) recorded in " + journal_.path() +
                                 " could not be aborted (s3:AbortMultipartUpload is not granted by the connector "
                                 "guide); a bucket lifecycle rule AbortIncompleteMultipartUpload removes them, or "
                                 "`shiftsync rm --incomplete-uploads` with more permission");
}

asio::awaitable<bool> sync_worker::async_prepare() {
    co_await abort_journaled_uploads();
    // Dead runs' staging prefixes: the sweep decides which are dead (a marker whose process is
    // gone on this host, or old enough elsewhere) and never touches a prefix without a marker.
    for (const auto& [name, place] : places_.redshift()) {
        if (!place.staging || !place.transfers) continue;
        aws::diagnostics diag;
        transfer::staging::sweep_options options;
        auto swept = co_await transfer::staging::async_sweep(place.transfers->s3(), *place.staging, options, diag);
        if (!swept)
            display_.warning("", "could not sweep the staging prefix " + place.staging->url() + ": " + diag.to_string());
        else if (!swept->swept.empty())
            display_.warning("", "removed " + std::to_string(swept->swept.size()) + " dead run(s) under " +
                                     place.staging->url());
    }
    // The state table, once per database destination, before any stream's transaction.
    std::set<std::string> prepared;
    for (const auto* stream : streams_) {
        auto plan = places_.plan_for(*stream, config_.state_schema);
        const ts::redshift_place* redshift = nullptr;
        const ts::postgres_place* postgres = nullptr;
        std::string name;
        if (plan.destination_kind == ts::place_kind::redshift) {
            redshift = plan.destination_redshift;
            name = redshift->name;
        } else if (plan.destination_kind == ts::place_kind::postgres) {
            postgres = plan.destination_postgres;
            name = postgres->name;
        } else {
            continue;
        }
        if (!prepared.insert(name).second) continue;
        aws::diagnostics diag;
        auto done = co_await ts::async_prepare_state_table(pools_, redshift, postgres, config_.state_schema, diag);
        if (!done) {
            display_.warning("", "cannot create the state table \"" + config_.state_schema + "\".\"shiftsync_state\" in '" +
                                     name + "': " + diag.to_string() +
                                     " (the connection's user needs CREATE on the database, or create the schema and "
                                     "table yourself: see transfer/sync/destination_state.hpp)");
            co_return false;
        }
    }
    co_return true;
}

asio::awaitable<void> sync_worker::tick_progress(const bool& done) {
    auto executor = co_await asio::this_coro::executor;
    asio::steady_timer timer(executor);
    while (!done) {
        timer.expires_after(std::chrono::milliseconds(250));
        boost::system::error_code ec;
        co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        for (auto& [name, live] : live_) {
            auto& shown = shown_[name];
            if (shown.first != live.phase) {
                shown.first = live.phase;
                display_.phase(name, live.phase);
                metrics_.set_phase(name, live.phase);
            }
            if (shown.second != live.rows) {
                metrics_.add_rows(name, live.rows - std::min(live.rows, shown.second));
                shown.second = live.rows;
                display_.progress(name, live.rows, live.bytes);
            }
        }
    }
}

asio::awaitable<void> sync_worker::run_stream(const ts::stream_config& stream, sync_pass_result& totals) {
    const std::string& name = stream.name;
    stream_outcome outcome;
    outcome.stream = name;
    const std::string owner = owner_name();
    if (!state_.try_lock_stream(name, owner)) {
        outcome.status = "skipped";
        outcome.error = state_.failure();
        ++totals.skipped;
        display_.stream_finished(outcome);
        co_return;
    }
    auto before = state_.get(name);
    ts::stream_start start;
    if (before) {
        start.last_run_id = before->last_run_id;
        start.pending_run_id = before->pending_run_id;
    }
    const std::string run_id = transfer::staging::new_run_id();
    state_.begin_run(name, run_id, unix_now());
    auto plan = places_.plan_for(stream, config_.state_schema);
    plan.session_keep_alive_seconds = keep_alive_;
    auto& live = live_[name];
    live = ts::stream_live{};
    display_.stream_started(name, std::string(ts::to_string(stream.mode)) + " " + std::string(ts::to_string(stream.write)) +
                                      ", " + stream.source.connection + " → " + stream.destination.connection);
    ts::stream_hooks hooks{&live, [this, name](const std::string& text) { display_.warning(name, text); },
                           [this, name](std::string_view phase) {
                               shown_[name].first = std::string(phase);
                               display_.phase(name, phase);
                               metrics_.set_phase(name, phase);
                           }};
    aws::diagnostics diag;
    auto started = std::chrono::steady_clock::now();
    auto done = co_await ts::async_run_stream(pools_, plan, start, run_id, hooks, diag);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    outcome.seconds = seconds;
    if (done) {
        outcome.status = "succeeded";
        outcome.rows = done->rows;
        outcome.bytes = done->bytes;
        outcome.cursor_before = done->cursor_before.value_or("");
        outcome.cursor_after = done->cursor_after.value_or("");
        outcome.detail = done->detail;
        if (!done->removed_run.empty())
            display_.warning(name, "removed the unfinished run " + done->removed_run + " (it never published)");
        if (!state_.commit_run(name, run_id, done->cursor_after, stream.cursor, done->rows, done->bytes, unix_now(), seconds))
            display_.warning(name, "the local state file was not updated: " + state_.failure() +
                                       " (the destination holds the cursor; the next run reads it from there)");
        ++totals.succeeded;
        metrics_.add_bytes(name, done->bytes);
    } else {
        // Interrupted (Ctrl-C, SIGTERM): whatever error the cancellation surfaced as.
        const bool cancelled = co_await engine::is_cancelled();
        const bool interrupted = cancelled || done.error() == engine::errc::cancelled;
        outcome.status = interrupted ? "interrupted" : "failed";
        outcome.error = describe_failure(done.error(), diag);
        outcome.request_id = diag.request_id;
        state_.fail_run(name, run_id, outcome.status, ts::redact(outcome.error, config_), unix_now());
        ++totals.failed;
    }
    // The rows the ticker has not told the metrics yet (the run may end between two ticks).
    auto& shown = shown_[name];
    if (live.rows > shown.second) metrics_.add_rows(name, live.rows - shown.second);
    shown.second = live.rows;
    metrics_.run_finished(name, outcome.status, seconds);
    state_.unlock_stream(name, owner);
    live.phase = outcome.status;
    display_.stream_finished(outcome);
}

asio::awaitable<sync_pass_result> sync_worker::async_run_pass() {
    sync_pass_result totals;
    // A Ctrl-C must not throw out of the waits below: the streams are cancelled and awaited.
    co_await asio::this_coro::throw_if_cancelled(false);
    auto executor = co_await asio::this_coro::executor;
    bool done = false;
    engine::task_group ticker(executor, 1);
    auto tick = tick_progress(done);
    ticker.spawn(std::move(tick));
    {
        engine::task_group streams(executor, static_cast<std::size_t>(config_.max_parallel_streams));
        for (const auto* stream : streams_) {
            // Interrupted: no stream starts any more, the running ones are cancelled (they roll
            // back and clean up) and waited for.
            if (co_await engine::is_cancelled()) {
                streams.cancel();
                break;
            }
            auto task = run_stream(*stream, totals);
            co_await streams.async_spawn(std::move(task));
        }
        if (co_await engine::is_cancelled()) streams.cancel();
        co_await streams.async_wait();
    }
    done = true;
    ticker.cancel();
    co_await ticker.async_wait();
    co_return totals;
}

}  // namespace shiftsync::cli
