// The engine's response reading (engine/http/detail/response_reader.hpp): Beast's parser for the
// head, and the engine's own code around it — status and head handling, HEAD/204/304, bodies by
// Content-Length straight from the socket, chunked or close-delimited bodies through the parser,
// the string/consumer/discard sinks, error documents, limits, keep-alive. Driven with an
// in-memory stream that hands out the input in pieces. Checked beyond "no crash":
//   - the same bytes in pieces of any size give the same outcome: error, status, headers, body,
//     keep-alive, and where the next response starts;
//   - differential: whenever the engine accepts a response, a straightforward reading of RFC 9112
//     written below agrees on the status, the body delivered and keep-alive, and — when the
//     connection is kept — on the byte where this response ends (a reader that stops short or
//     reads on would hand the next request the rest of this response).
//
// Input: byte 0 = HEAD request (1), sink (2 bits: string, consumer, discard), small header limit
// (8), small body limit (16); byte 1 = piece size; byte 2 = the small limits; then the response.

#include "engine/http/detail/response_reader.hpp"
#include "tests/fuzz/fuzz_input.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = shiftsync::engine::http;
using boost::system::error_code;

namespace {

void check(bool ok, int line = __builtin_LINE()) {
    if (ok) return;
    std::fprintf(stderr, "http_response_fuzzer.cpp:%d: check failed\n", line);
    std::abort();
}

// An AsyncReadStream over fixed bytes: each read gets at most `piece` of them, then end of file.
// Completions are posted, never called inline, as a socket's would be.
class scripted_stream {
public:
    using executor_type = asio::any_io_executor;

    scripted_stream(executor_type ex, std::string_view bytes, std::size_t piece)
        : ex_(std::move(ex)), rest_(bytes), piece_(piece) {}

    executor_type get_executor() { return ex_; }
    std::size_t unread() const { return rest_.size(); }

    template <class MutableBuffers, class Token>
    auto async_read_some(const MutableBuffers& buffers, Token&& token) {
        return asio::async_initiate<Token, void(error_code, std::size_t)>(
            [this](auto handler, const MutableBuffers& into) {
                error_code ec;
                std::size_t n = 0;
                if (rest_.empty()) {
                    ec = asio::error::eof;
                } else {
                    n = asio::buffer_copy(into, asio::buffer(rest_.data(), std::min(piece_, rest_.size())));
                    rest_.remove_prefix(n);
                }
                auto ex = asio::get_associated_executor(handler, ex_);
                asio::post(ex, [h = std::move(handler), ec, n]() mutable { std::move(h)(ec, n); });
            },
            token, buffers);
    }

private:
    executor_type ex_;
    std::string_view rest_;
    std::size_t piece_;
};

// What receive_response needs of a connection; the tcp_stream only carries the step timer.
struct fake_connection {
    beast::tcp_stream timer;
    beast::flat_buffer buffer;
    std::vector<std::byte> body;

    beast::flat_buffer& read_buffer() { return buffer; }
    std::vector<std::byte>& body_buffer(std::size_t size) {
        if (body.size() < size) body.resize(size);
        return body;
    }
    beast::tcp_stream& socket_layer() { return timer; }
};

struct setup {
    bool head_request = false;
    unsigned sink = 0;  // 0 string, 1 consumer, 2 and 3 discard
    std::size_t max_header_bytes = 64 * 1024;
    std::uint64_t max_body_bytes = std::uint64_t{1} << 40;
};

struct outcome {
    error_code error;
    bool keep_alive = false;
    unsigned status = 0;
    std::string reason;
    std::vector<http::header_field> headers;
    std::string delivered;  // the body as the caller sees it (sink or error document)
    std::uint64_t body_bytes = 0;
    std::size_t consumed = 0;  // bytes taken off the connection: where the next response starts
};

outcome receive(std::string_view bytes, std::size_t piece, const setup& s) {
    static asio::io_context io;
    scripted_stream stream(io.get_executor(), bytes, piece);
    fake_connection conn{beast::tcp_stream(io), {}, {}};
    conn.buffer.reserve(16384);  // as a real connection's
    std::string consumed_by_sink;
    http::request_options options;
    options.max_header_bytes = s.max_header_bytes;
    options.max_body_bytes = s.max_body_bytes;
    if (s.sink == 1) {
        options.sink = http::consumer_sink{
            [&consumed_by_sink](std::span<const std::byte> chunk) -> asio::awaitable<boost::system::result<void>> {
                consumed_by_sink.append(reinterpret_cast<const char*>(chunk.data()), chunk.size());
                co_return boost::system::result<void>{};
            },
            {}};
    } else if (s.sink >= 2) {
        options.sink = http::discard_sink{};
    }
    const http::detail::deadline_budget budget(std::chrono::steady_clock::now() + std::chrono::hours(1));
    http::response out;
    std::optional<http::detail::response_outcome> got;
    asio::co_spawn(io, http::detail::receive_response(stream, conn, s.head_request, options, budget, out),
                   [&got](std::exception_ptr e, http::detail::response_outcome o) {
                       check(!e);
                       got = o;
                   });
    io.run();
    io.restart();
    check(got.has_value());

    outcome r;
    r.error = got->error;
    r.keep_alive = got->keep_alive;
    r.status = out.status;
    r.reason = out.reason;
    r.headers.assign(out.headers.begin(), out.headers.end());
    const bool success = out.status / 100 == 2;
    r.delivered = (!success || s.sink == 0) ? out.body : consumed_by_sink;
    r.body_bytes = out.body_bytes;
    r.consumed = bytes.size() - stream.unread() - conn.buffer.size();
    return r;
}

// ---- the reference: RFC 9112's message framing, read the plain way ----------------------------

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

bool token_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// Comma-separated list elements, lower-cased and trimmed, over every field of that name.
std::vector<std::string> tokens(const std::vector<std::pair<std::string, std::string>>& fields, std::string_view name) {
    std::vector<std::string> out;
    for (const auto& [n, v] : fields) {
        if (n != name) continue;
        std::string_view rest = v;
        while (true) {
            const auto comma = rest.find(',');
            const auto item = trim(rest.substr(0, comma));
            if (!item.empty()) out.push_back(lower(item));
            if (comma == std::string_view::npos) break;
            rest.remove_prefix(comma + 1);
        }
    }
    return out;
}

struct expected {
    unsigned status = 0;
    std::string body;
    bool keep_alive = false;
    std::size_t end = 0;  // where the response ends in the input
};

std::optional<expected> reference(std::string_view in, bool head_request) {
    std::size_t at = 0;
    for (;;) {
        const auto head_end = in.find("\r\n\r\n", at);
        if (head_end == std::string_view::npos) return std::nullopt;
        std::string_view head = in.substr(at, head_end - at);
        const auto line_end = head.find("\r\n");
        const std::string_view status_line = head.substr(0, line_end);
        if (status_line.size() < 12 || !status_line.starts_with("HTTP/1.")) return std::nullopt;
        const bool http10 = status_line[7] == '0';
        const unsigned status = static_cast<unsigned>((status_line[9] - '0') * 100 + (status_line[10] - '0') * 10 +
                                                      (status_line[11] - '0'));
        std::vector<std::pair<std::string, std::string>> fields;
        for (std::string_view rest = line_end == std::string_view::npos ? "" : head.substr(line_end + 2);
             !rest.empty();) {
            const auto nl = rest.find("\r\n");
            const auto line = rest.substr(0, nl);
            rest = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 2);
            // obs-fold: a line starting with white space continues the previous value.
            if (!line.empty() && (line.front() == ' ' || line.front() == '\t') && !fields.empty()) {
                fields.back().second = std::string(trim(fields.back().second + " " + std::string(trim(line))));
                continue;
            }
            const auto colon = line.find(':');
            if (colon == std::string_view::npos) return std::nullopt;
            fields.emplace_back(lower(line.substr(0, colon)), std::string(trim(line.substr(colon + 1))));
        }
        at = head_end + 4;
        // RFC 9110 15.2: a client reads past interim (1xx) responses to the final one.
        if (status >= 100 && status < 200 && status != 101) continue;

        expected e;
        e.status = status;
        const auto connection = tokens(fields, "connection");
        const auto has = [&](const char* t) {
            return std::find(connection.begin(), connection.end(), t) != connection.end();
        };
        e.keep_alive = http10 ? has("keep-alive") : !has("close");
        // Chunked only when it is the last coding of a list of tokens; anything else (a value that
        // is no list of codings) leaves the body to the close (RFC 9112 6.3, and Beast's reading).
        const auto codings = tokens(fields, "transfer-encoding");
        const bool codings_valid = std::all_of(codings.begin(), codings.end(), [](const std::string& element) {
            const auto coding = trim(std::string_view(element).substr(0, element.find(';')));
            return !coding.empty() && std::all_of(coding.begin(), coding.end(), token_char);
        });
        std::optional<std::uint64_t> length;
        for (const auto& [n, v] : fields)
            if (n == "content-length") length = std::strtoull(v.c_str(), nullptr, 10);

        if (head_request || status == 204 || status == 304 || status == 101) {
            e.end = at;
        } else if (!codings.empty() && codings_valid &&
                   trim(std::string_view(codings.back()).substr(0, codings.back().find(';'))) == "chunked") {
            for (;;) {
                const auto size_end = in.find("\r\n", at);
                if (size_end == std::string_view::npos) return std::nullopt;
                const std::string size_line(in.substr(at, size_end - at));
                const std::uint64_t size = std::strtoull(size_line.c_str(), nullptr, 16);
                at = size_end + 2;
                if (size == 0) break;
                if (in.size() - at < size + 2) return std::nullopt;
                e.body.append(in.substr(at, size));
                at += size + 2;
            }
            // Trailer fields, up to the empty line.
            for (;;) {
                const auto nl = in.find("\r\n", at);
                if (nl == std::string_view::npos) return std::nullopt;
                const bool empty = nl == at;
                at = nl + 2;
                if (empty) break;
            }
            e.end = at;
        } else if (length && codings.empty()) {
            if (in.size() - at < *length) return std::nullopt;
            e.body = std::string(in.substr(at, *length));
            e.end = at + *length;
        } else {
            e.body = std::string(in.substr(at));  // up to the close
            e.keep_alive = false;
            e.end = in.size();
        }
        return e;
    }
}

// Failures that one input may give either of, depending on where the reads ended: a head both
// cut short and malformed is either (Beast validates a line once it has all of it; the classifier
// treats both as transient), and a malformed head past the header limit is either malformed or too
// large (Beast checks the limit on what it has buffered while the head is incomplete).
bool same_failure(error_code a, error_code b) {
    using shiftsync::engine::errc;
    if (a == b) return true;
    const auto malformed = [](error_code ec) { return ec == errc::bad_response || ec == errc::truncated_body; };
    const auto head_failure = [&](error_code ec) { return malformed(ec) || ec == errc::header_too_large; };
    return (malformed(a) && malformed(b)) || (head_failure(a) && head_failure(b));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    shiftsync::fuzz::fuzz_input in(data, size);
    const std::uint8_t choice = in.byte();
    const std::size_t piece = 1 + in.byte() % 64;
    const std::uint8_t limit = in.byte();
    const std::string_view bytes = in.rest();
    setup s;
    s.head_request = (choice & 1) != 0;
    s.sink = (choice >> 1) & 3;
    if (choice & 8) s.max_header_bytes = 16 + limit;
    if (choice & 16) s.max_body_bytes = limit;

    const outcome whole = receive(bytes, bytes.size() + 1, s);
    const outcome pieces = receive(bytes, piece, s);
    if (!same_failure(whole.error, pieces.error))
        std::fprintf(stderr, "whole: %s / in pieces of %zu: %s\n", whole.error.message().c_str(), piece,
                     pieces.error.message().c_str());
    check(same_failure(whole.error, pieces.error));
    check(whole.status == pieces.status && whole.reason == pieces.reason);
    check(whole.headers.size() == pieces.headers.size());
    for (std::size_t i = 0; i < whole.headers.size(); ++i)
        check(whole.headers[i].name == pieces.headers[i].name && whole.headers[i].value == pieces.headers[i].value);
    check(whole.keep_alive == pieces.keep_alive);
    if (!whole.error) {
        check(whole.delivered == pieces.delivered && whole.body_bytes == pieces.body_bytes);
        if (whole.keep_alive) check(whole.consumed == pieces.consumed);
    }

    if (whole.error) return 0;
    const auto expect = reference(bytes, s.head_request);
    check(expect.has_value());
    check(whole.status == expect->status);
    check(whole.keep_alive == expect->keep_alive);
    check(whole.body_bytes == expect->body.size());
    if (s.sink < 2 || whole.status / 100 != 2) check(whole.delivered == expect->body);
    if (whole.keep_alive) check(whole.consumed == expect->end);
    return 0;
}
