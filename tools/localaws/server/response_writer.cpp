#include "tools/localaws/server/response_writer.hpp"

#include "tools/localaws/server/app.hpp"
#include "tools/localaws/server/blocking.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <sys/sendfile.h>

#include <vector>

namespace localaws::server {
namespace asio = boost::asio;
namespace {

constexpr std::size_t stream_chunk = 1024 * 1024;

struct chunk_result {
    std::size_t n = 0;
    std::error_code ec;
};

void abort_connection(connection& c) {
    boost::system::error_code ignored;
    c.socket.set_option(asio::socket_base::linger(true, 0), ignored);  // RST, as a dropped connection
    c.socket.close(ignored);
}

// Paces a writer to `rate` bytes per second from the start of the body.
asio::awaitable<void> pace(std::uint64_t rate, std::uint64_t sent, std::chrono::steady_clock::time_point start) {
    if (rate == 0) co_return;
    auto due = start + std::chrono::microseconds(sent * 1'000'000 / rate);
    if (due <= std::chrono::steady_clock::now()) co_return;
    asio::steady_timer t(co_await asio::this_coro::executor, due);
    co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
}

}  // namespace

asio::awaitable<std::uint64_t> write_response(app& a, connection& c, service_response& resp, const write_plan& plan,
                                              bool& ok) {
    ok = false;
    // The common case — a small in-memory body, no fault shaping — goes out as one gathered write:
    // header and body in one sendmsg (the header-then-body pair was a quarter of a small GET's CPU).
    if (!resp.stream && !plan.head && !plan.reset_mid_body && plan.bandwidth_bytes_per_second == 0) {
        http::response<http::string_body> whole;
        whole.result(static_cast<unsigned>(plan.status));
        whole.version(11);
        whole.keep_alive(plan.keep_alive);
        whole.set(http::field::server, "localaws");
        if (!plan.content_type.empty()) whole.set(http::field::content_type, plan.content_type);
        for (const auto& [n, v] : plan.headers) whole.insert(n, v);
        std::uint64_t size = resp.body.size();
        whole.body() = std::move(resp.body);
        whole.content_length(size);
        auto [ec, unused] = co_await http::async_write(c.socket, whole, asio::as_tuple(asio::use_awaitable));
        (void)unused;
        ok = !ec && plan.keep_alive;
        co_return ec ? 0 : size;
    }
    http::response<http::empty_body> head;
    head.result(static_cast<unsigned>(plan.status));
    head.version(11);
    head.keep_alive(plan.keep_alive);
    head.set(http::field::server, "localaws");
    if (!plan.content_type.empty()) head.set(http::field::content_type, plan.content_type);
    for (const auto& [n, v] : plan.headers) head.insert(n, v);
    std::uint64_t length = resp.stream ? resp.stream_length : (plan.head && resp.stream_length ? resp.stream_length : resp.body.size());
    head.content_length(length);
    http::response_serializer<http::empty_body> sr(head);
    auto [ec, unused] = co_await http::async_write_header(c.socket, sr, asio::as_tuple(asio::use_awaitable));
    (void)unused;
    if (ec) co_return 0;
    if (plan.head || length == 0) {
        ok = plan.keep_alive;
        co_return 0;
    }

    auto start = std::chrono::steady_clock::now();
    std::uint64_t sent = 0;
    std::uint64_t reset_at = plan.reset_mid_body ? length / 2 : UINT64_MAX;
    std::size_t chunk = stream_chunk;
    if (plan.bandwidth_bytes_per_second)
        chunk = std::clamp<std::size_t>(plan.bandwidth_bytes_per_second / 20, 1024, stream_chunk);

    if (!resp.stream) {
        while (sent < length) {
            std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>({chunk, length - sent, reset_at - sent}));
            if (n == 0) {
                abort_connection(c);
                co_return sent;
            }
            auto [wec, w] = co_await asio::async_write(c.socket, asio::buffer(resp.body.data() + sent, n),
                                                       asio::as_tuple(asio::use_awaitable));
            if (wec) co_return sent + w;
            sent += n;
            co_await pace(plan.bandwidth_bytes_per_second, sent, start);
        }
        ok = plan.keep_alive;
        co_return sent;
    }

    // A file region without fault shaping: sendfile(2) from the page cache straight to the socket, as
    // nginx does; wait for writability whenever the socket buffer is full.
    if (auto region = resp.stream->file(); region && !plan.reset_mid_body && plan.bandwidth_bytes_per_second == 0) {
        off_t offset = static_cast<off_t>(region->offset);
        boost::system::error_code nb;
        c.socket.native_non_blocking(true, nb);  // sendfile must answer EAGAIN, never block the thread
        while (sent < length) {
            std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(length - sent, 16 * stream_chunk));
            ssize_t n = ::sendfile(c.socket.native_handle(), region->fd, &offset, want);
            if (n > 0) {
                sent += static_cast<std::uint64_t>(n);
                continue;
            }
            if (n < 0 && errno == EINTR) continue;
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
                auto [wec] = co_await c.socket.async_wait(tcp::socket::wait_write, asio::as_tuple(asio::use_awaitable));
                if (wec) co_return sent;
                continue;
            }
            // EPIPE or ECONNRESET: the client hung up (SIGPIPE is ignored in main, so sendfile
            // returns the error rather than ending the process). 0: the file ended early. Either
            // way the promised length cannot be met: drop the connection, never look complete.
            abort_connection(c);
            co_return sent;
        }
        ok = plan.keep_alive;
        co_return sent;
    }

    // Streamed from disk: read the next chunk on the blocking pool while nothing else is in flight.
    auto buffer = std::make_shared<std::vector<std::byte>>(chunk);
    body_source* source = resp.stream.get();
    while (sent < length) {
        if (sent >= reset_at) {
            abort_connection(c);
            co_return sent;
        }
        std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>({chunk, length - sent, reset_at - sent}));
        auto read_chunk = [source, buffer, want] {
            chunk_result r;
            r.n = source->read(std::span(buffer->data(), want), r.ec);
            return r;
        };
        auto got = co_await offload(a.blocking_pool(), read_chunk);
        if (got.ec || got.n == 0) {
            abort_connection(c);  // the length was promised: a short body must not look complete
            co_return sent;
        }
        auto [wec, w] = co_await asio::async_write(c.socket, asio::buffer(buffer->data(), got.n),
                                                   asio::as_tuple(asio::use_awaitable));
        if (wec) co_return sent + w;
        sent += got.n;
        co_await pace(plan.bandwidth_bytes_per_second, sent, start);
    }
    ok = plan.keep_alive;
    co_return sent;
}

}  // namespace localaws::server
