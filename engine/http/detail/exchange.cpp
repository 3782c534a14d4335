#include "engine/http/detail/exchange.hpp"

#include "engine/http/detail/body_io.hpp"
#include "engine/http/detail/response_reader.hpp"
#include "engine/http/request_head.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/asio/write.hpp>

#include <array>
#include <vector>

namespace shiftsync::engine::http::detail {

namespace asio = boost::asio;

namespace {

constexpr std::size_t send_chunk = 256 * 1024;

template <class Stream>
asio::awaitable<exchange_outcome> send(Stream& stream, connection& conn, const request& req, const endpoint& where,
                                       const request_options& options, const deadline_budget& budget) {
    exchange_outcome outcome;
    auto state = co_await asio::this_coro::cancellation_state;
    const auto head = format_request_head(req, where);
    const auto length = content_length(req.body);

    // A small in-memory body goes out with the head in one write (one syscall, one TLS record).
    if (const auto* buffer = std::get_if<buffer_source>(&req.body); buffer || length == 0) {
        std::array<asio::const_buffer, 2> pieces{asio::buffer(head), asio::const_buffer{}};
        if (buffer && buffer->bytes) pieces[1] = asio::buffer(*buffer->bytes);
        const auto on_timeout = budget.arm(conn.socket_layer(), options.deadlines.idle, errc::idle_timeout);
        auto [ec, n] = co_await asio::async_write(stream, pieces, use_tuple);
        outcome.error = map_error(ec, on_timeout, state);
        outcome.bytes_sent = length;
        co_return outcome;
    }

    auto on_timeout = budget.arm(conn.socket_layer(), options.deadlines.idle, errc::idle_timeout);
    if (auto [ec, n] = co_await asio::async_write(stream, asio::buffer(head), use_tuple); ec) {
        outcome.error = map_error(ec, on_timeout, state);
        co_return outcome;
    }
    source_reader reader(req.body);
    std::vector<std::byte> chunk(std::min<std::uint64_t>(send_chunk, length));
    while (outcome.bytes_sent < length) {
        auto got = co_await reader.read(chunk, outcome.bytes_sent);
        if (!got) {
            outcome.error = got.error();
            co_return outcome;
        }
        if (cancelled(state)) {
            outcome.error = make_error_code(errc::cancelled);
            co_return outcome;
        }
        on_timeout = budget.arm(conn.socket_layer(), options.deadlines.idle, errc::idle_timeout);
        auto [ec, n] = co_await asio::async_write(stream, asio::buffer(chunk.data(), *got), use_tuple);
        if (ec) {
            outcome.error = map_error(ec, on_timeout, state);
            co_return outcome;
        }
        outcome.bytes_sent += n;
    }
    co_return outcome;
}

template <class Stream>
asio::awaitable<exchange_outcome> exchange(Stream& stream, connection& conn, const request& req, const endpoint& where,
                                           const request_options& options, const deadline_budget& budget,
                                           response& out) {
    auto outcome = co_await send(stream, conn, req, where, options, budget);
    if (outcome.error) co_return outcome;
    const bool head_request = req.method == "HEAD";
    const auto received = co_await receive_response(stream, conn, head_request, options, budget, out);
    outcome.error = received.error;
    outcome.response_started = received.response_started;
    outcome.keep_alive = received.keep_alive;
    co_return outcome;
}

}  // namespace

asio::awaitable<exchange_outcome> async_exchange(connection& conn, const request& req, const endpoint& where,
                                                 const request_options& options, const deadline_budget& budget,
                                                 response& out) {
    if (auto* tls = std::get_if<connection::tls_stream>(&conn.stream_for_exchange()))
        co_return co_await exchange(*tls, conn, req, where, options, budget, out);
    co_return co_await exchange(std::get<connection::tcp_stream>(conn.stream_for_exchange()), conn, req, where, options,
                                budget, out);
}

}  // namespace shiftsync::engine::http::detail
