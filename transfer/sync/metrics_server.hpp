#pragma once
// The sync worker's Prometheus endpoint: `GET /metrics` (and HEAD) on 127.0.0.1:PORT answers the
// text `render()` returns, as text/plain; version=0.0.4. Anything else gets a short error: 404 for
// another path, 405 for another method, 400 for a malformed request or one with a body, 431 for a
// request head over the limit. Loopback only: the numbers are not secret, but nothing else should
// be reachable from the network either.
//
// Bounded: at most `max_connections` served at once (further ones wait in the kernel's backlog),
// a request head of at most `max_request_bytes`, and `deadline` for each request on a connection
// (reading it and writing the answer; an idle keep-alive connection is closed when it runs out).
//
// Usage: `open` binds (so a taken port fails at once, and port() is known), `async_run` serves
// until `stop`, then returns once every connection has ended. Await async_run in a coroutine that
// owns it (a task group child, or `&&` with the run); there is no detached spawn.
//
// Executor / thread safety: everything runs on the executor given to open(), which must be
// single-threaded (an io_context run by one thread, or a strand); call stop() on it too. `render`
// is called there for each scrape.
// Lifetimes: the server outlives async_run; `render` and what it reads outlive the server.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace shiftsync::transfer::sync {

struct metrics_server_options {
    std::uint16_t port = 0;  // 0: an ephemeral port (see port())
    std::size_t max_connections = 4;
    std::size_t max_request_bytes = 8 * 1024;
    std::chrono::milliseconds deadline{5000};
};

class metrics_server {
public:
    using render_fn = std::function<std::string()>;

    // Binds 127.0.0.1:options.port and listens. An error: the port is taken, or not ours to bind.
    static boost::system::result<std::unique_ptr<metrics_server>> open(boost::asio::any_io_executor executor,
                                                                      render_fn render,
                                                                      const metrics_server_options& options);
    ~metrics_server();
    metrics_server(const metrics_server&) = delete;
    metrics_server& operator=(const metrics_server&) = delete;

    std::uint16_t port() const;

    // Accepts and serves until stop() (or until the awaiting coroutine is cancelled); returns when
    // the last connection has ended.
    boost::asio::awaitable<void> async_run();

    // Closes the listening socket and ends every connection. Safe to call more than once, before or
    // during async_run.
    void stop();

    // Requests answered (any status), for tests and the log.
    std::uint64_t requests_served() const;

private:
    struct impl;
    explicit metrics_server(std::unique_ptr<impl> impl);
    std::unique_ptr<impl> impl_;
};

}  // namespace shiftsync::transfer::sync
