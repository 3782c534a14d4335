// The request loop of client::async_send: admission, rate limiting, attempts, retries, metrics.
#include "engine/http/detail/body_io.hpp"
#include "engine/http/detail/client_impl.hpp"
#include "engine/http/detail/exchange.hpp"
#include "engine/scheduler/cancellation.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace shiftsync::engine::http {

namespace asio = boost::asio;
using boost::system::error_code;
using clock = std::chrono::steady_clock;

namespace {

// Backoff sleeps and rate-limiter waits honour cancellation like any other step.
asio::awaitable<error_code> sleep_for(clock::duration delay) {
    asio::steady_timer timer(co_await asio::this_coro::executor, delay);
    auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    if (ec) co_return make_error_code(errc::cancelled);
    co_return error_code{};
}

std::optional<std::chrono::milliseconds> retry_after_hint(const header_list& headers) {
    if (const auto* millis = headers.find("x-amz-retry-after")) return parse_retry_after_millis(*millis);
    if (const auto* seconds = headers.find("retry-after")) return parse_retry_after_seconds(*seconds);
    return std::nullopt;
}

// A server that closed an idle connection just as we reused it never read our request: the
// kernel's buffers took what was sent. Past what those buffers hold (a few hundred KiB), the
// server was reading the body, so a reset there is a real failure, counted and retried by the
// retry policy (a part upload reset mid-body, say), not a free resend.
constexpr std::uint64_t race_window_bytes = 256 * 1024;

bool keep_alive_race(const error_code& ec, const detail::connection& conn, const detail::exchange_outcome& outcome) {
    return ec && conn.reused && !outcome.response_started && outcome.bytes_sent <= race_window_bytes &&
           ec != errc::cancelled && !is_timeout(ec);
}

}  // namespace

asio::awaitable<error_code> client::impl::attempt(detail::endpoint_pool& pool, const request& req,
                                                  const request_options& options, const detail::deadline_budget& budget,
                                                  response& out, request_sample& sample) {
    // Per-endpoint first, then global: a request holding a global slot never waits on a busy
    // endpoint, so one saturated endpoint cannot block the others. The synchronous try first:
    // on an unsaturated client nothing waits, and no waiting coroutine is created.
    auto endpoint_permit = pool.admission().try_acquire(1, options.priority);
    if (!endpoint_permit) {
        auto waited = co_await pool.admission().async_acquire(1, options.priority);
        if (!waited) co_return waited.error();
        endpoint_permit = std::move(*waited);
    }
    auto global_permit = global_limit.try_acquire(1, options.priority);
    if (!global_permit) {
        auto waited = co_await global_limit.async_acquire(1, options.priority);
        if (!waited) co_return waited.error();
        global_permit = std::move(*waited);
    }

    bool fresh = false;
    for (;;) {
        if (co_await is_cancelled()) co_return make_error_code(errc::cancelled);
        boost::system::result<detail::lease> leased = make_error_code(errc::cancelled);
        if (auto reused = fresh ? std::nullopt : pool.try_reuse())
            leased = std::move(*reused);
        else
            leased = co_await pool.async_checkout(fresh, options.deadlines, budget);
        if (!leased) co_return leased.error();
        auto outcome = co_await detail::async_exchange(leased->conn(), req, pool.where(), options, budget, out);
        sample.bytes_sent += outcome.bytes_sent;
        sample.bytes_received += out.body_bytes;
        const bool race = !fresh && keep_alive_race(outcome.error, leased->conn(), outcome);
        leased->release(!outcome.error && outcome.keep_alive);
        if (!race) co_return outcome.error;
        // The server closed the idle connection as we reused it: nothing was processed, so any
        // method is safe to send again, once, on a new connection. Not a counted attempt.
        fresh = true;
        out = response{};
    }
}

asio::awaitable<boost::system::result<response>> client::impl::send(endpoint where, request req,
                                                                    request_options options) {
    const auto started = clock::now();
    const detail::deadline_budget budget(started + options.deadlines.total);
    const auto& retry = options.retry ? *options.retry : config.retry;
    const classifier_fn classify = options.classify ? options.classify : classifier_fn(default_classifier);
    const std::string limiter_key = options.limiter_key.empty() ? where.key() : options.limiter_key;
    std::uniform_real_distribution<double> unit(0.0, 1.0);

    request_sample sample;
    response out;
    error_code ec;
    failure_kind last_kind = failure_kind::none;
    int quota_taken = 0;
    if (where.scheme == scheme::https && !tls) ec = tls_error;
    auto& pool = pool_for(where);
    // The caller's headers, which each attempt's prepare hook starts from (see prepare_fn).
    std::optional<header_list> caller_headers;
    if (options.prepare) caller_headers = req.headers;

    for (int attempt_number = 1; !ec; ++attempt_number) {
        if (co_await is_cancelled()) {
            ec = make_error_code(errc::cancelled);
            break;
        }
        if (config.adaptive_rate_limiting) {
            const auto wait = limiters.for_key(limiter_key, clock::now()).acquire(clock::now());
            if (wait > clock::duration::zero()) {
                if (wait >= budget.remaining())
                    ec = make_error_code(errc::request_timeout);
                else
                    ec = co_await sleep_for(wait);
                if (ec) break;
            }
        }
        if (options.prepare) {
            if (attempt_number > 1) req.headers = *caller_headers;
            ec = co_await options.prepare(req, attempt_number);
            if (ec) break;  // the hook's own failure: not retried
        }
        out = response{};
        ec = co_await attempt(pool, req, options, budget, out, sample);
        out.attempts = attempt_number;
        last_kind = classify({ec, ec ? nullptr : &out});
        if (config.adaptive_rate_limiting)
            limiters.for_key(limiter_key, clock::now())
                .on_response(clock::now(), last_kind == failure_kind::throttling);
        if (!is_retryable(last_kind)) break;

        // Bytes already handed to a consumer that cannot rewind rule out a retry.
        const bool replayable = out.body_bytes == 0 || detail::restart_sink(options.sink, out.body);
        const auto hint = ec ? std::nullopt : retry_after_hint(out.headers);
        const auto decision =
            replayable ? decide_retry(retry, quota, attempt_number, last_kind, hint, unit(random)) : retry_decision{};
        if (!decision.retry || decision.delay >= budget.remaining()) break;
        ++sample.retries_by_reason[static_cast<std::size_t>(last_kind)];
        quota_taken = decision.quota_taken;
        ec = {};
        if (auto slept = co_await sleep_for(decision.delay)) {
            ec = slept;
            break;
        }
    }

    if (!ec && !is_retryable(last_kind)) quota.on_success(quota_taken);
    sample.succeeded = !ec;
    sample.status = ec ? 0 : out.status;
    sample.latency = clock::now() - started;
    metrics.record(where.key(), options.operation, sample);
    if (ec) co_return ec;
    co_return out;
}

}  // namespace shiftsync::engine::http
