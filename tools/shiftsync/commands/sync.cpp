// `shiftsync sync`: the sync worker. Reads a config of streams (transfer/sync/config.hpp), opens
// their connections (sync/sync_places), and runs them (sync/sync_worker): once, or every
// DURATION until interrupted. Exit codes: 0 every stream succeeded, 1 one failed, 2 a bad config
// or setup (nothing touched), 130 interrupted (in-flight loads rolled back, staged files removed,
// cursors where the last commit left them).

#include "engine/http/client.hpp"
#include "tools/shiftsync/commands/commands.hpp"
#include "tools/shiftsync/connection/s3_session.hpp"
#include "tools/shiftsync/output/byte_size.hpp"
#include "tools/shiftsync/output/duration.hpp"
#include "tools/shiftsync/output/sync_display.hpp"
#include "tools/shiftsync/sync/sync_places.hpp"
#include "tools/shiftsync/sync/sync_worker.hpp"
#include "engine/scheduler/cancellation.hpp"
#include "transfer/staging/run_marker.hpp"
#include "transfer/sync/call_counter.hpp"
#include "transfer/sync/config.hpp"
#include "transfer/sync/metrics_server.hpp"
#include "transfer/sync/state_store.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fmt/core.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <unistd.h>

namespace shiftsync::cli {
namespace {

namespace asio = boost::asio;
namespace ts = transfer::sync;

struct sync_flags {
    std::string config;
    std::string state;
    std::vector<std::string> streams;
    bool once = false;
    std::string every;
    bool dry_run = false;
    std::string progress = "auto";
    std::string log_format = "text";
    int metrics_port = -1;
    int session_keep_alive = 60;
};

// The chosen streams, in config order; unknown names are a usage error.
bool choose_streams(const ts::sync_config& config, const std::vector<std::string>& names,
                    std::vector<const ts::stream_config*>& out) {
    for (const auto& name : names) {
        auto it = std::find_if(config.streams.begin(), config.streams.end(),
                               [&](const ts::stream_config& s) { return s.name == name; });
        if (it == config.streams.end()) {
            std::string known;
            for (const auto& s : config.streams) known += (known.empty() ? "" : ", ") + s.name;
            fmt::print(stderr, "shiftsync sync: --stream {}: no such stream in {} (it has: {})\n", name, config.file, known);
            return false;
        }
    }
    for (const auto& s : config.streams)
        if (names.empty() || std::find(names.begin(), names.end(), s.name) != names.end()) out.push_back(&s);
    return true;
}

struct run_state {
    bool interrupted = false;
    int exit_code = exit_ok;
};

asio::awaitable<void> sync_loop(sync_worker& worker, std::optional<std::chrono::seconds> every, sync_display& display,
                                run_state& state) {
    co_await asio::this_coro::throw_if_cancelled(false);
    if (!co_await worker.async_prepare()) {
        state.exit_code = exit_failed;
        co_return;
    }
    auto executor = co_await asio::this_coro::executor;
    asio::steady_timer pause(executor);
    for (;;) {
        auto pass = co_await worker.async_run_pass();
        state.exit_code = pass.failed ? exit_failed : exit_ok;
        if (!every) break;
        if (co_await engine::is_cancelled()) break;
        display.warning("", "next pass in " + std::to_string(every->count()) + " s (Ctrl-C stops)");
        pause.expires_after(*every);
        boost::system::error_code ec;
        co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        if (ec) break;
        if (co_await engine::is_cancelled()) break;
    }
}

int run_sync(const sync_flags& flags) {
    auto loaded = ts::load_sync_config(flags.config);
    if (!loaded.config) {
        for (const auto& e : loaded.errors) fmt::print(stderr, "{}\n", e.to_string());
        fmt::print(stderr, "shiftsync sync: {} error(s) in the config; nothing was run\n", loaded.errors.size());
        return exit_usage;
    }
    const ts::sync_config& config = *loaded.config;
    std::vector<const ts::stream_config*> streams;
    if (!choose_streams(config, flags.streams, streams)) return exit_usage;
    std::optional<std::chrono::seconds> every;
    if (!flags.every.empty() && !flags.once) {
        every = parse_duration(flags.every);
        if (!every || every->count() <= 0) {
            fmt::print(stderr, "shiftsync sync: --every wants a duration like 30s, 5m or 1h, got '{}'\n", flags.every);
            return exit_usage;
        }
    }
    for (const auto& note : config.notes) fmt::print(stderr, "shiftsync sync: note: {}\n", ts::redact(note, config));
    if (flags.dry_run) {
        fmt::print("{}", ts::describe(config));
        fmt::print("streams that would run: ");
        for (std::size_t i = 0; i < streams.size(); ++i) fmt::print("{}{}", i ? ", " : "", streams[i]->name);
        fmt::print("\n");
        return exit_ok;
    }

    std::string why;
    const std::string state_path = flags.state.empty() ? ts::state_store::default_path() : flags.state;
    auto state = ts::state_store::open(state_path, why);
    if (!state) {
        fmt::print(stderr, "shiftsync sync: the state file: {}\n", why);
        return exit_usage;
    }

    asio::io_context ctx;
    engine::http::client_config http_config;
    const std::size_t parallel = static_cast<std::size_t>(config.max_parallel_streams);
    http_config.pool.max_connections = 16 + 8 * parallel;
    http_config.max_in_flight = http_config.pool.max_connections * 4 + 16;
    http_config.retry.max_attempts = 8;
    engine::http::client http(ctx.get_executor(), http_config);
    engine::memory_budget memory(ctx.get_executor(), config.memory_limit);
    engine::cpu_pool cpu(engine::cpu_pool::cores());
    engine::cpu_pool files(4);
    engine::cpu_pool blocking(parallel + 2);
    ts::sync_pools pools{cpu, files, blocking};

    const bool tty = ::isatty(2) != 0;
    const bool live = flags.progress == "always" || (flags.progress == "auto" && tty);
    sync_display display(stderr, live, flags.log_format == "json" ? log_format::json : log_format::text,
                         [&config](std::string_view text) { return ts::redact(text, config); });
    ts::sync_metrics metrics;
    for (const auto* s : streams) metrics.add_stream(s->name);

    // Multipart uploads (S3 destinations' part files) are journaled before their first part, so a
    // killed run's can be aborted by the next (sync_worker::async_prepare).
    transfer::s3::upload_journal journal(transfer::s3::upload_journal::default_path());
    auto places = sync_places::open(config, streams, ctx, http, memory, cpu, files, &journal,
                                    [&display](const std::string& text) { display.warning("", text); }, why);
    if (!places) {
        fmt::print(stderr, "shiftsync sync: {}\n", ts::redact(why, config));
        return exit_usage;
    }
    auto counter = std::make_shared<ts::call_counter>(metrics);
    for (auto* service : places->services()) service->set_observer(counter);

    std::unique_ptr<ts::metrics_server> server;
    if (flags.metrics_port >= 0) {
        ts::metrics_server_options options;
        options.port = static_cast<std::uint16_t>(flags.metrics_port);
        auto opened = ts::metrics_server::open(ctx.get_executor(), [&metrics] { return metrics.exposition(); }, options);
        if (!opened) {
            fmt::print(stderr, "shiftsync sync: --metrics-port {}: {}\n", flags.metrics_port, opened.error().message());
            return exit_usage;
        }
        server = std::move(*opened);
        fmt::print(stderr, "shiftsync sync: metrics at http://127.0.0.1:{}/metrics\n", server->port());
    }
    metrics.set_up(true);

    sync_worker worker(config, streams, *places, **state, pools, display, metrics, flags.session_keep_alive, journal);
    run_state result;
    const std::string run_id = transfer::staging::new_run_id();
    display.run_started(run_id, streams.size(), config.max_parallel_streams);

    asio::cancellation_signal cancel;
    asio::signal_set signals(ctx, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code& ec, int) {
        if (ec) return;
        result.interrupted = true;
        display.warning("", "interrupted: cancelling the running streams (they roll back and clean up); "
                            "press Ctrl-C again to quit at once");
        cancel.emit(asio::cancellation_type::terminal);
        signals.async_wait([](const boost::system::error_code& again, int) {
            if (!again) std::_Exit(exit_interrupted);
        });
    });
    bool done = false;
    std::exception_ptr failure;
    if (server) asio::co_spawn(ctx, server->async_run(), asio::detached);
    asio::co_spawn(ctx, sync_loop(worker, every, display, result),
                   asio::bind_cancellation_slot(cancel.slot(), [&](std::exception_ptr e) {
                       failure = e;
                       done = true;
                   }));
    while (!done) {
        if (ctx.stopped()) ctx.restart();
        ctx.run_one();
    }
    if (server) server->stop();
    boost::system::error_code ignored;
    signals.cancel(ignored);
    // Let the server's and the signals' handlers finish.
    ctx.restart();
    ctx.poll();
    if (failure) std::rethrow_exception(failure);
    int code = result.interrupted ? exit_interrupted : result.exit_code;
    display.run_finished(code);
    return code;
}

}  // namespace

command_runner add_sync_command(CLI::App& app) {
    auto flags = std::make_shared<sync_flags>();
    auto* cmd = app.add_subcommand("sync", "Run the streams of a sync config: Redshift ⇄ PostgreSQL, files and S3, "
                                           "incremental with exactly-once cursors");
    cmd->add_option("--config", flags->config, "The sync config (YAML)")->required();
    cmd->add_option("--state", flags->state, "The state file (default: $XDG_STATE_HOME/shiftsync/state.db)");
    cmd->add_option("--stream", flags->streams, "Run only this stream (repeatable)");
    cmd->add_flag("--once", flags->once, "One pass, then exit (the default)");
    cmd->add_option("--every", flags->every, "Run a pass every DURATION (30s, 5m, 1h) until interrupted");
    cmd->add_flag("--dry-run", flags->dry_run, "Check the config and say what would run (secrets redacted)");
    cmd->add_option("--progress", flags->progress, "Live lines per stream: auto (on a terminal), always, never")
        ->check(CLI::IsMember({"auto", "always", "never"}));
    cmd->add_option("--log-format", flags->log_format, "text or json (one object per event)")
        ->check(CLI::IsMember({"text", "json"}));
    cmd->add_option("--metrics-port", flags->metrics_port, "Serve Prometheus /metrics on 127.0.0.1:PORT (0: any free port)");
    cmd->add_option("--session-keep-alive", flags->session_keep_alive,
                    "Seconds a load's Data API session outlives its last statement (a killed worker's locks last this long)")
        ->capture_default_str();
    return [flags] { return run_sync(*flags); };
}

}  // namespace shiftsync::cli
