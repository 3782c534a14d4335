#pragma once
// Where a request body comes from and where a response body goes, without ever holding a whole
// object in memory (except the explicit in-memory forms).
//
// Retries: a body is sent again from its start on each attempt, so every source must be
// replayable: a buffer and a file range are; a producer is asked for bytes by offset. A sink that
// already received bytes must be restartable for a retry to happen: the string and file sinks are
// (they rewind), a consumer is only if it supplies `restart`.
//
// Lifetimes: a `string_view`/span source refers to memory the caller keeps alive until the
// request completes; everything else is owned here.

#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <variant>

namespace shiftsync::engine::http {

// ---- request bodies ------------------------------------------------------------------------
struct no_body {};

// Bytes in memory, owned (shared, so a retry or a copy of the request does not copy them).
struct buffer_source {
    std::shared_ptr<const std::string> bytes;
    static buffer_source from(std::string s) { return {std::make_shared<const std::string>(std::move(s))}; }
};

// `length` bytes of a file from `offset` (a multipart part, say).
struct file_range_source {
    std::string path;
    std::uint64_t offset = 0;
    std::uint64_t length = 0;
};

// A coroutine that fills `out` with the body's bytes starting at `offset` and returns how many it
// wrote (0 only at the end). Called in order, offsets increasing; called again from 0 on a retry.
// The engine awaits it before sending more: that is the back-pressure.
using produce_fn = std::function<boost::asio::awaitable<boost::system::result<std::size_t>>(std::span<std::byte> out,
                                                                                            std::uint64_t offset)>;
struct producer_source {
    std::uint64_t length = 0;  // sent as Content-Length
    produce_fn produce;
};

using body_source = std::variant<no_body, buffer_source, file_range_source, producer_source>;

// The Content-Length a source will send.
std::uint64_t content_length(const body_source& source);

// ---- response bodies -----------------------------------------------------------------------
// Only a 2xx body goes to the sink. Any other status's body (an error document) lands in
// response::body, capped at 1 MiB, whatever the sink.
// Into response::body (the default; small responses and error documents).
struct string_sink {};

// Into a file at `offset` (created if missing, not truncated: parallel ranged GETs share one file).
struct file_sink {
    std::string path;
    std::uint64_t offset = 0;
};

// A coroutine handed each chunk in order; the next read from the socket waits for it.
using consume_fn = std::function<boost::asio::awaitable<boost::system::result<void>>(std::span<const std::byte>)>;
struct consumer_sink {
    consume_fn consume;
    std::function<bool()> restart;  // rewinds for a retry; absent or false: no retry once bytes went out
};

// Counted and dropped (benchmarks; HEAD-like uses).
struct discard_sink {};

using body_sink = std::variant<string_sink, file_sink, consumer_sink, discard_sink>;

}  // namespace shiftsync::engine::http
