#include "transfer/sync/metrics_server.hpp"

#include "engine/scheduler/cancellation.hpp"
#include "engine/scheduler/task_group.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <array>
#include <atomic>

namespace shiftsync::transfer::sync {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using asio::ip::tcp;
using boost::system::error_code;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
constexpr std::string_view exposition_type = "text/plain; version=0.0.4; charset=utf-8";

using response = bhttp::response<bhttp::string_body>;

response plain(bhttp::status status, std::string text, bool keep_alive) {
    response r{status, 11};
    r.set(bhttp::field::content_type, "text/plain; charset=utf-8");
    r.body() = std::move(text);
    r.keep_alive(keep_alive);
    r.prepare_payload();
    return r;
}

// The answer to a request that parsed. Paths are matched exactly: "/metrics", with or without a
// query string (Prometheus sends none, a browser or a proxy may).
response answer(const bhttp::request<bhttp::empty_body>& req, const metrics_server::render_fn& render) {
    const std::string_view target = req.target();
    const std::string_view path = target.substr(0, target.find('?'));
    if (path != "/metrics") return plain(bhttp::status::not_found, "not found: try /metrics\n", req.keep_alive());
    if (req.method() != bhttp::verb::get && req.method() != bhttp::verb::head) {
        response r = plain(bhttp::status::method_not_allowed, "only GET and HEAD\n", req.keep_alive());
        r.set(bhttp::field::allow, "GET, HEAD");
        return r;
    }
    response r{bhttp::status::ok, 11};
    r.set(bhttp::field::content_type, exposition_type);
    r.set(bhttp::field::cache_control, "no-store");
    r.keep_alive(req.keep_alive());
    std::string text = render();
    if (req.method() == bhttp::verb::head) {
        r.content_length(text.size());  // what a GET would send, without sending it
    } else {
        r.body() = std::move(text);
        r.prepare_payload();
    }
    return r;
}

// A request that did not parse: the status that says why. The connection closes after it.
response refusal(const error_code& ec) {
    if (ec == bhttp::error::header_limit || ec == bhttp::error::buffer_overflow)
        return plain(bhttp::status::request_header_fields_too_large, "request head too large\n", false);
    if (ec == bhttp::error::unexpected_body || ec == bhttp::error::body_limit)
        return plain(bhttp::status::bad_request, "this endpoint takes no request body\n", false);
    return plain(bhttp::status::bad_request, "malformed request\n", false);
}

// Read errors after which nothing is answered: the peer left, the deadline passed, we stop.
bool ends_silently(const error_code& ec) {
    return ec == bhttp::error::end_of_stream || ec == beast::error::timeout || ec == asio::error::operation_aborted ||
           ec == asio::error::connection_reset || ec == asio::error::eof || ec == bhttp::error::partial_message;
}

// After a refusal the client may still be sending the rest of what we refused. Closing with those
// bytes unread makes the kernel send a reset, which can destroy our answer before the client reads
// it; so say we are done, then read and drop what still comes, a bounded amount for a short while.
asio::awaitable<void> drain(beast::tcp_stream& stream) {
    error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream.expires_after(std::chrono::milliseconds(500));
    std::array<char, 4096> sink;
    for (std::size_t dropped = 0; !ec && dropped < 64 * 1024;) {
        auto [read_ec, n] = co_await stream.async_read_some(asio::buffer(sink), use_tuple);
        ec = read_ec;
        dropped += n;
    }
}

}  // namespace

struct metrics_server::impl {
    impl(asio::any_io_executor ex, render_fn r, const metrics_server_options& o)
        : executor(ex), acceptor(ex), render(std::move(r)), options(o), connections(ex, o.max_connections) {}

    asio::awaitable<void> accept_loop();
    asio::awaitable<void> serve(tcp::socket socket);
    void stop();

    asio::any_io_executor executor;
    tcp::acceptor acceptor;
    render_fn render;
    metrics_server_options options;
    engine::task_group connections;  // one child per connection, at most max_connections
    std::uint16_t port = 0;
    bool stopped = false;
    std::atomic<std::uint64_t> served{0};  // read from other threads (tests, the log)
};

boost::system::result<std::unique_ptr<metrics_server>> metrics_server::open(asio::any_io_executor executor,
                                                                           render_fn render,
                                                                           const metrics_server_options& options) {
    if (!render || options.max_connections == 0 || options.max_request_bytes < 256 ||
        options.deadline <= std::chrono::milliseconds::zero())
        return make_error_code(boost::system::errc::invalid_argument);
    auto p = std::make_unique<impl>(executor, std::move(render), options);
    const tcp::endpoint where(asio::ip::address_v4::loopback(), options.port);
    error_code ec;
    p->acceptor.open(where.protocol(), ec);
    // A restarted worker must get its port back while the last one's connections sit in TIME_WAIT.
    if (!ec) p->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) p->acceptor.bind(where, ec);
    if (!ec) p->acceptor.listen(16, ec);
    if (!ec) p->port = p->acceptor.local_endpoint(ec).port();
    if (ec) return ec;
    return std::unique_ptr<metrics_server>(new metrics_server(std::move(p)));
}

metrics_server::metrics_server(std::unique_ptr<impl> impl) : impl_(std::move(impl)) {}
metrics_server::~metrics_server() = default;

std::uint16_t metrics_server::port() const { return impl_->port; }
std::uint64_t metrics_server::requests_served() const { return impl_->served; }
void metrics_server::stop() { impl_->stop(); }

asio::awaitable<void> metrics_server::async_run() { return engine::cancellation_as_value(impl_->accept_loop()); }

void metrics_server::impl::stop() {
    stopped = true;
    error_code ignored;
    acceptor.close(ignored);  // the pending accept ends with operation_aborted
    connections.cancel();
}

asio::awaitable<void> metrics_server::impl::accept_loop() {
    while (!stopped) {
        auto [ec, socket] = co_await acceptor.async_accept(use_tuple);
        if (ec) {
            if (stopped || ec == asio::error::operation_aborted) break;
            const bool cancelled = co_await engine::is_cancelled();
            if (cancelled) break;
            // Out of descriptors or buffers: pause rather than spin on the same error.
            asio::steady_timer pause(executor, std::chrono::milliseconds(100));
            co_await pause.async_wait(use_tuple);
            continue;
        }
        // Waits while max_connections are being served: the next ones wait in the listen backlog.
        auto task = engine::cancellation_as_value(serve(std::move(socket)));
        co_await connections.async_spawn(std::move(task));
        // Cancelled while waiting for a slot: the signal has been delivered once, a new accept
        // would not hear it again.
        const bool cancelled = co_await engine::is_cancelled();
        if (cancelled) break;
    }
    stop();
    co_await connections.async_wait();
}

asio::awaitable<void> metrics_server::impl::serve(tcp::socket socket) {
    beast::tcp_stream stream(std::move(socket));
    // Its maximum size bounds what one request may make us hold, head and pipelined bytes alike.
    beast::flat_buffer buffer(options.max_request_bytes);
    while (!stopped) {
        bhttp::request_parser<bhttp::empty_body> parser;
        parser.header_limit(static_cast<std::uint32_t>(options.max_request_bytes));
        // One deadline for reading this request and writing its answer.
        stream.expires_after(options.deadline);
        auto [ec, n] = co_await bhttp::async_read(stream, buffer, parser, use_tuple);
        if (ec && (stopped || ends_silently(ec))) break;
        const bool refused = static_cast<bool>(ec);
        response reply = refused ? refusal(ec) : answer(parser.get(), render);
        ++served;
        auto [write_ec, written] = co_await bhttp::async_write(stream, reply, use_tuple);
        if (refused && !write_ec) co_await drain(stream);
        if (write_ec || !reply.keep_alive()) break;
    }
    error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

}  // namespace shiftsync::transfer::sync
