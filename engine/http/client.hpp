#pragma once
// The HTTP/1.1 client every service client sits on: one generic "send this request, give me the
// response" awaitable, with per-endpoint connection pools, deadlines, standard-mode retries,
// adaptive client-side rate limiting, global/per-endpoint concurrency limits by priority, and
// metrics.
//
// async_send(endpoint, request, options) -> awaitable<result<response>>
//   - A response of any status is a value (404, 503 after the last retry); only transport failures,
//     deadlines, limits and cancellation are errors (engine::errc or system codes).
//   - Each attempt: the rate limiter of `options.limiter_key`; then `options.prepare`, if set (the
//     per-attempt hook the aws/ layer signs in; see prepare_fn); then admission: per-endpoint limit
//     (= max connections) then the global limit, in priority order; then a pooled or new connection.
//   - Retries follow options.retry (or the client's): max attempts, full-jitter backoff, the shared
//     retry quota, Retry-After / x-amz-retry-after. A reused connection that fails before any
//     response byte is retried once on a fresh connection without counting as an attempt (the
//     keep-alive race), whatever the method.
//   - Cancellation: per-operation, through the awaiting coroutine's cancellation slot (e.g.
//     awaitable_operators `||` with a timer, or co_spawn with bind_cancellation_slot). A cancelled
//     or timed-out request closes its connection; nothing is left running.
//
// Lifetimes: the request is moved into the operation; body sources/sinks own what they refer to,
// except memory a caller explicitly points at. The client must outlive its operations.
// Executor / thread safety: one single-threaded executor (the network thread) for the client and
// all its operations. metrics() may be read from any thread.

#include "engine/http/endpoint.hpp"
#include "engine/http/message.hpp"
#include "engine/http/request_options.hpp"
#include "engine/http/tls_options.hpp"
#include "engine/metrics/metrics_registry.hpp"
#include "engine/pool/pool_state.hpp"
#include "engine/retry/adaptive_rate_limiter.hpp"
#include "engine/retry/retry_policy.hpp"
#include "engine/retry/retry_quota.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>

#include <memory>
#include <optional>
#include <string_view>

namespace shiftsync::engine::http {

struct client_config {
    pool_limits pool{};                // per endpoint: max connections, idle timeout
    std::size_t max_in_flight = 1024;  // requests across all endpoints
    retry_config retry{};
    retry_quota_config retry_quota{};
    bool adaptive_rate_limiting = true;
    adaptive_limiter_config rate_limiter{};
    tls_options tls{};
};

struct endpoint_stats {
    std::size_t open = 0;
    std::size_t idle = 0;
    std::size_t peak_open = 0;
    std::uint64_t opened_total = 0;
    std::uint64_t reused_total = 0;
};

class client {
public:
    client(boost::asio::any_io_executor executor, client_config config = {});
    ~client();
    client(const client&) = delete;
    client& operator=(const client&) = delete;

    boost::asio::awaitable<boost::system::result<response>> async_send(endpoint where, request req,
                                                                       request_options options);
    // Default options. An overload, not a default argument (tools/checks/coroutine_hazards.py).
    boost::asio::awaitable<boost::system::result<response>> async_send(endpoint where, request req);

    const metrics_registry& metrics() const;
    int retry_quota_available() const;
    // The adaptive limiter's current fill rate (requests/s) for a limiter key, or nullopt while that
    // key is unlimited (no throttle seen yet). Key: options.limiter_key, or the endpoint's key().
    std::optional<double> rate_limit(std::string_view limiter_key) const;
    endpoint_stats stats(const endpoint& where) const;

    // Limits requests with this limiter key to `requests_per_second` from now on (a published
    // quota), adapting below it on throttles and never above it. Call before the first request.
    void set_rate_limit(std::string_view limiter_key, double requests_per_second);

    // Closes every idle pooled connection (busy ones close when their request ends).
    void close_idle();

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace shiftsync::engine::http
