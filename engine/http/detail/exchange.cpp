#include "engine/http/detail/exchange.hpp"

#include "engine/http/detail/body_io.hpp"
#include "engine/http/request_head.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>

#include <array>
#include <vector>

namespace shiftsync::engine::http::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using boost::system::error_code;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t send_chunk = 256 * 1024;
constexpr std::size_t receive_chunk = 256 * 1024;
constexpr std::size_t max_error_document = 1024 * 1024;

bool cancelled(const asio::cancellation_state& state) {
    return state.cancelled() != asio::cancellation_type::none;
}

// Engine terms for a failed step. A fired step timer is a named timeout; an aborted operation is a
// cancellation; Beast's parser errors become limits or a malformed/truncated response.
error_code map_error(error_code ec, errc on_timeout, const asio::cancellation_state& state) {
    if (ec == beast::error::timeout) return make_error_code(on_timeout);
    if (ec == asio::error::operation_aborted || cancelled(state)) return make_error_code(errc::cancelled);
    if (ec == bhttp::error::header_limit) return make_error_code(errc::header_too_large);
    if (ec == bhttp::error::body_limit) return make_error_code(errc::body_too_large);
    if (ec == bhttp::error::partial_message || ec == asio::ssl::error::stream_truncated)
        return make_error_code(errc::truncated_body);
    if (ec.category() == make_error_code(bhttp::error::end_of_stream).category() && ec != bhttp::error::end_of_stream)
        return make_error_code(errc::bad_response);
    return ec;
}

void copy_head(const bhttp::response_parser<bhttp::buffer_body>& parser, response& out) {
    const auto& head = parser.get();
    out.status = head.result_int();
    out.reason = std::string(head.reason());
    out.headers = {};
    out.headers.reserve(16);
    for (const auto& field : head) out.headers.add(field.name_string(), field.value());
}

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

// A body of known length: the bytes already buffered behind the head, then straight from the
// socket into the chunk buffer, a chunk per read. Bypasses the parser (whose only remaining job
// would be counting) to save a copy and read in large pieces.
template <class Stream>
asio::awaitable<error_code> read_sized_body(Stream& stream, connection& conn, std::uint64_t length,
                                            std::vector<std::byte>& chunk, sink_writer& sink, std::uint64_t keep_limit,
                                            const request_options& options, const deadline_budget& budget) {
    auto state = co_await asio::this_coro::cancellation_state;
    auto& buffer = conn.read_buffer();
    std::uint64_t remaining = length;
    if (const auto buffered = std::min<std::uint64_t>(buffer.size(), remaining); buffered > 0) {
        const auto* bytes = static_cast<const std::byte*>(buffer.data().data());
        if (sink.written() < keep_limit) {
            if (auto delivered = co_await sink.write(std::span(bytes, buffered)); !delivered)
                co_return delivered.error();
        }
        buffer.consume(buffered);
        remaining -= buffered;
    }
    while (remaining > 0) {
        const auto on_timeout = budget.arm(conn.socket_layer(), options.deadlines.idle, errc::idle_timeout);
        const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(chunk.size(), remaining));
        auto [ec, n] = co_await stream.async_read_some(asio::buffer(chunk.data(), want), use_tuple);
        if (n > 0 && sink.written() < keep_limit) {
            if (auto delivered = co_await sink.write(std::span(chunk.data(), n)); !delivered)
                co_return delivered.error();
        }
        remaining -= n;
        if (ec == asio::error::eof) co_return remaining > 0 ? make_error_code(errc::truncated_body) : error_code{};
        if (ec) co_return map_error(ec, on_timeout, state);
        if (cancelled(state)) co_return make_error_code(errc::cancelled);
    }
    co_return error_code{};
}

// Chunked (or close-delimited) bodies: the parser removes the framing into the chunk buffer.
template <class Stream>
asio::awaitable<error_code> read_framed_body(Stream& stream, connection& conn,
                                             bhttp::response_parser<bhttp::buffer_body>& parser,
                                             std::vector<std::byte>& chunk, sink_writer& sink, std::uint64_t keep_limit,
                                             const request_options& options, const deadline_budget& budget) {
    auto state = co_await asio::this_coro::cancellation_state;
    while (!parser.is_done()) {
        auto& body = parser.get().body();
        body.data = chunk.data();
        body.size = chunk.size();
        const auto on_timeout = budget.arm(conn.socket_layer(), options.deadlines.idle, errc::idle_timeout);
        auto [ec, n] = co_await bhttp::async_read(stream, conn.read_buffer(), parser, use_tuple);
        const auto got = chunk.size() - parser.get().body().size;
        if (got > 0 && sink.written() < keep_limit) {
            if (auto delivered = co_await sink.write(std::span(chunk.data(), got)); !delivered)
                co_return delivered.error();
        }
        if (ec == bhttp::error::need_buffer) ec = {};
        if (ec) co_return map_error(ec, on_timeout, state);
        if (cancelled(state)) co_return make_error_code(errc::cancelled);
    }
    co_return error_code{};
}

template <class Stream>
asio::awaitable<exchange_outcome> exchange(Stream& stream, connection& conn, const request& req, const endpoint& where,
                                           const request_options& options, const deadline_budget& budget,
                                           response& out) {
    auto outcome = co_await send(stream, conn, req, where, options, budget);
    if (outcome.error) co_return outcome;
    auto state = co_await asio::this_coro::cancellation_state;

    auto& buffer = conn.read_buffer();
    bhttp::response_parser<bhttp::buffer_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(options.max_header_bytes, UINT32_MAX)));
    parser.body_limit(options.max_body_bytes);
    if (req.method == "HEAD") parser.skip(true);

    auto on_timeout = budget.arm(conn.socket_layer(), options.deadlines.first_byte, errc::first_byte_timeout);
    auto [head_ec, head_n] = co_await bhttp::async_read_header(stream, buffer, parser, use_tuple);
    outcome.response_started = parser.got_some() || buffer.size() > 0;
    if (head_ec) {
        outcome.error = map_error(head_ec, on_timeout, state);
        co_return outcome;
    }
    copy_head(parser, out);
    if (parser.is_done()) {  // HEAD, 204, 304, or an empty body: nothing more on the wire
        outcome.keep_alive = parser.keep_alive();
        co_return outcome;
    }

    // Only a successful (2xx) body goes to the caller's sink: an error document must not land in
    // the file being downloaded. It goes to response::body instead, for the classifier and the
    // aws/ layer's error parser, capped (the rest is read and dropped to keep the connection).
    static const body_sink error_document{string_sink{}};
    const bool success = out.status / 100 == 2;
    const body_sink& target = success ? options.sink : error_document;
    const auto length = parser.content_length();

    // A small body bound for a string is read straight into it: no chunk buffer, no copy.
    if (std::holds_alternative<string_sink>(target) && length && *length <= receive_chunk) {
        out.body.resize(static_cast<std::size_t>(*length));
        auto& body = parser.get().body();
        body.data = out.body.data();
        body.size = out.body.size();
        on_timeout = budget.arm(conn.socket_layer(), options.deadlines.idle, errc::idle_timeout);
        auto [ec, n] = co_await bhttp::async_read(stream, buffer, parser, use_tuple);
        out.body.resize(out.body.size() - parser.get().body().size);
        out.body_bytes = out.body.size();
        if (ec) outcome.error = map_error(ec, on_timeout, state);
        outcome.keep_alive = !outcome.error && parser.keep_alive();
        co_return outcome;
    }

    sink_writer sink(target, out.body);
    // The chunk buffer belongs to the connection: allocated once, reused by every response on it.
    auto& chunk = conn.body_buffer(length ? std::min<std::uint64_t>(*length, receive_chunk) : receive_chunk);
    const std::uint64_t keep_limit = success ? UINT64_MAX : max_error_document;
    if (length && !parser.chunked()) {
        outcome.error = co_await read_sized_body(stream, conn, *length, chunk, sink, keep_limit, options, budget);
    } else {
        outcome.error = co_await read_framed_body(stream, conn, parser, chunk, sink, keep_limit, options, budget);
    }
    out.body_bytes = sink.written();
    outcome.keep_alive = !outcome.error && parser.keep_alive();
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
