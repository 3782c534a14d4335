#pragma once
// Reading one response off a connection: the head through Beast's parser, then the body to its
// sink, by Content-Length straight from the socket or through the parser (chunked, or up to the
// close). Internal to engine/http, included by exchange.cpp only — and by the http_response fuzzer
// (tests/fuzz/), which drives it with an in-memory stream; hence templates on the stream and on
// the connection (anything with read_buffer(), body_buffer(n) and socket_layer() for the timer).

#include "engine/error.hpp"
#include "engine/http/detail/body_io.hpp"
#include "engine/http/detail/deadline_budget.hpp"
#include "engine/http/message.hpp"
#include "engine/http/request_options.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace shiftsync::engine::http::detail {

inline constexpr auto use_tuple = boost::asio::as_tuple(boost::asio::use_awaitable);
inline constexpr std::size_t receive_chunk = 256 * 1024;
inline constexpr std::size_t max_error_document = 1024 * 1024;

inline bool cancelled(const boost::asio::cancellation_state& state) {
    return state.cancelled() != boost::asio::cancellation_type::none;
}

// Engine terms for a failed step. A fired step timer is a named timeout; an aborted operation is a
// cancellation; Beast's parser errors become limits or a malformed/truncated response.
inline boost::system::error_code map_error(boost::system::error_code ec, errc on_timeout,
                                           const boost::asio::cancellation_state& state) {
    namespace bhttp = boost::beast::http;
    if (ec == boost::beast::error::timeout) return make_error_code(on_timeout);
    if (ec == boost::asio::error::operation_aborted || cancelled(state)) return make_error_code(errc::cancelled);
    if (ec == bhttp::error::header_limit) return make_error_code(errc::header_too_large);
    if (ec == bhttp::error::body_limit) return make_error_code(errc::body_too_large);
    if (ec == bhttp::error::partial_message || ec == boost::asio::ssl::error::stream_truncated)
        return make_error_code(errc::truncated_body);
    if (ec.category() == make_error_code(bhttp::error::end_of_stream).category() && ec != bhttp::error::end_of_stream)
        return make_error_code(errc::bad_response);
    return ec;
}

struct response_outcome {
    boost::system::error_code error;
    bool response_started = false;  // at least one response byte arrived
    bool keep_alive = false;        // the connection may serve another request
};

using response_parser = boost::beast::http::response_parser<boost::beast::http::buffer_body>;

inline void copy_head(const response_parser& parser, response& out) {
    const auto& head = parser.get();
    out.status = head.result_int();
    out.reason = std::string(head.reason());
    out.headers = {};
    out.headers.reserve(16);
    for (const auto& field : head) out.headers.add(field.name_string(), field.value());
}

// Whether Transfer-Encoding makes the body chunked, read as RFC 9112 reads it: the values of
// every such field as one list, chunked when it is the last coding. nullopt when the value is no
// list of codings (a name that is not a token): the body's end cannot be known.
inline std::optional<bool> chunked_by_transfer_encoding(const response_parser::value_type& head) {
    const auto token_char = [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
    };
    const auto trim = [](std::string_view s) {
        while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
        while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
        return s;
    };
    std::string_view last;
    for (const auto& field : head) {
        if (field.name() != boost::beast::http::field::transfer_encoding) continue;
        std::string_view rest = field.value();
        for (;;) {
            const auto comma = rest.find(',');
            const auto element = trim(rest.substr(0, comma));
            if (!element.empty()) {  // empty list elements are allowed, and ignored
                const auto coding = trim(element.substr(0, element.find(';')));
                if (coding.empty() || !std::all_of(coding.begin(), coding.end(), token_char)) return std::nullopt;
                last = coding;
            }
            if (comma == std::string_view::npos) break;
            rest.remove_prefix(comma + 1);
        }
    }
    return boost::beast::iequals(last, "chunked");
}

// A body of known length: the bytes already buffered behind the head, then straight from the
// socket into the chunk buffer, a chunk per read. Bypasses the parser (whose only remaining job
// would be counting) to save a copy and read in large pieces.
template <class Stream, class Connection>
boost::asio::awaitable<boost::system::error_code> read_sized_body(Stream& stream, Connection& conn,
                                                                  std::uint64_t length, std::vector<std::byte>& chunk,
                                                                  sink_writer& sink, std::uint64_t keep_limit,
                                                                  const request_options& options,
                                                                  const deadline_budget& budget) {
    namespace asio = boost::asio;
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
        if (ec == asio::error::eof)
            co_return remaining > 0 ? make_error_code(errc::truncated_body) : boost::system::error_code{};
        if (ec) co_return map_error(ec, on_timeout, state);
        if (cancelled(state)) co_return make_error_code(errc::cancelled);
    }
    co_return boost::system::error_code{};
}

// Chunked (or close-delimited) bodies: the parser removes the framing into the chunk buffer.
template <class Stream, class Connection>
boost::asio::awaitable<boost::system::error_code> read_framed_body(
    Stream& stream, Connection& conn, response_parser& parser, std::vector<std::byte>& chunk, sink_writer& sink,
    std::uint64_t keep_limit, const request_options& options, const deadline_budget& budget) {
    namespace asio = boost::asio;
    namespace bhttp = boost::beast::http;
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
    co_return boost::system::error_code{};
}

// The response to a request just sent (`head_request`: it was a HEAD, whatever the headers say
// there is no body). Only a successful (2xx) body goes to options.sink; any other status's body is
// an error document and lands in out.body, capped (the rest is read and dropped to keep the
// connection).
template <class Stream, class Connection>
boost::asio::awaitable<response_outcome> receive_response(Stream& stream, Connection& conn, bool head_request,
                                                          const request_options& options, const deadline_budget& budget,
                                                          response& out) {
    namespace asio = boost::asio;
    namespace bhttp = boost::beast::http;
    response_outcome outcome;
    auto state = co_await asio::this_coro::cancellation_state;

    auto& buffer = conn.read_buffer();
    // Interim responses (100 Continue, 103 Early Hints) come before the final one, which may follow
    // in the same read: each is read and dropped (RFC 9110 15.2: a client must read past them even
    // unasked). A parser reads one message, so each head gets a fresh one.
    std::optional<response_parser> next;
    errc on_timeout = errc::first_byte_timeout;
    for (;;) {
        next.emplace();
        next->header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(options.max_header_bytes, UINT32_MAX)));
        next->body_limit(options.max_body_bytes);
        if (head_request) next->skip(true);
        on_timeout = budget.arm(conn.socket_layer(), options.deadlines.first_byte, errc::first_byte_timeout);
        auto [head_ec, head_n] = co_await bhttp::async_read_header(stream, buffer, *next, use_tuple);
        outcome.response_started = outcome.response_started || next->got_some() || buffer.size() > 0;
        if (head_ec) {
            outcome.error = map_error(head_ec, on_timeout, state);
            co_return outcome;
        }
        // Beast applies header_limit to the status line and to the fields separately when both
        // arrive in one read, and to what is buffered when they do not: a head up to twice the limit
        // passed or failed depending on how the network cut it. The limit is the head's size.
        if (head_n > options.max_header_bytes) {
            outcome.error = make_error_code(errc::header_too_large);
            co_return outcome;
        }
        const unsigned status = next->get().result_int();
        if (status < 100 || status >= 200 || status == 101) break;
    }
    response_parser& parser = *next;
    copy_head(parser, out);

    // The framing checks below matter wherever a body may follow: not after a HEAD, a 204 or a 304
    // (nor a 101), but also when Content-Length: 0 made Beast call the message done.
    const bool bodiless = head_request || out.status == 204 || out.status == 304 || out.status == 101;
    if (!bodiless) {
        // Transfer-Encoding and Content-Length together: Transfer-Encoding wins and the message
        // "ought to be handled as an error" (RFC 9112 6.1: a split or smuggled response). Beast
        // refuses them in one order but reads by Content-Length in the other, keeping a connection on
        // which the next response would start inside this one.
        if (parser.get().count(bhttp::field::transfer_encoding) != 0 &&
            parser.get().count(bhttp::field::content_length) != 0) {
            outcome.error = make_error_code(errc::bad_response);
            co_return outcome;
        }

        // Beast reads each Transfer-Encoding field on its own, and takes a value that is no list of
        // codings for "not chunked" (the body then runs to the close): two fields, or one bad value,
        // could make it frame a body differently from the RFC. The engine goes on only when both agree.
        if (parser.get().count(bhttp::field::transfer_encoding) != 0) {
            const auto chunked = chunked_by_transfer_encoding(parser.get());
            if (!chunked || *chunked != parser.chunked()) {
                outcome.error = make_error_code(errc::bad_response);
                co_return outcome;
            }
        }
    }

    if (parser.is_done()) {  // HEAD, 204, 304, or an empty body: nothing more on the wire
        outcome.keep_alive = parser.keep_alive();
        co_return outcome;
    }

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

}  // namespace shiftsync::engine::http::detail
