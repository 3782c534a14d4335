#include "tools/localaws/server/connection.hpp"

#include "sigv4/sha256.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/read.hpp>

#include <vector>

namespace localaws::server {
namespace asio = boost::asio;

parser_body_reader::parser_body_reader(connection& c, std::optional<auth::chunked_decoder> decoder,
                                       std::string expected_sha256, std::optional<std::uint64_t> declared)
    : c_(c), decoder_(std::move(decoder)), expected_sha256_(std::move(expected_sha256)), declared_(declared) {
    if (!expected_sha256_.empty()) hash_.emplace();
}

std::optional<aws_error> parser_body_reader::finish() {
    finished_ = true;
    if (decoder_) {
        if (decoder_->signature_failed())
            return aws_error{403, "SignatureDoesNotMatch",
                             "The request signature we calculated does not match the signature you provided. Check "
                             "your key and signing method.", {}, true};
        if (!decoder_->done())
            return aws_error{400, "IncompleteBody", "The request body terminated unexpectedly", {}, true};
    }
    if (hash_) {
        std::string actual;
        shiftsync::sigv4::append_hex(actual, hash_->finish());
        if (actual != expected_sha256_)
            return aws_error{400,
                             "XAmzContentSHA256Mismatch",
                             "The provided 'x-amz-content-sha256' header does not match what was computed.",
                             {{"ClientComputedContentSHA256", expected_sha256_}, {"S3ComputedContentSHA256", actual}},
                             true};
    }
    return std::nullopt;
}

asio::awaitable<std::size_t> parser_body_reader::read(std::span<std::byte> into, std::optional<aws_error>& error) {
    error.reset();
    // "Expect: 100-continue": the client sends its body only once told to, which is when someone
    // first wants it — a handler that refuses the request early (AccessDenied) never asks.
    if (!c_.continue_sent && !c_.parser->is_done() && expects_continue(*c_.parser)) {
        c_.continue_sent = true;
        static constexpr std::string_view line = "HTTP/1.1 100 Continue\r\n\r\n";
        auto [ec, n] = co_await asio::async_write(c_.socket, asio::buffer(line.data(), line.size()),
                                                  asio::as_tuple(asio::use_awaitable));
        (void)n;
        if (ec) {
            finished_ = true;
            error = aws_error{400, "IncompleteBody", "The request body terminated unexpectedly", {}, true};
            co_return 0;
        }
    }
    while (!finished_) {
        auto& parser = *c_.parser;
        if (parser.is_done()) {
            error = finish();
            co_return 0;
        }
        parser.get().body().data = into.data();
        parser.get().body().size = into.size();
        auto [ec, unused] = co_await http::async_read_some(c_.socket, c_.buffer, parser,
                                                          asio::as_tuple(asio::use_awaitable));
        (void)unused;
        std::size_t n = into.size() - parser.get().body().size;
        if (ec && ec != http::error::need_buffer) {
            finished_ = true;
            error = aws_error{400, "IncompleteBody", "The request body terminated unexpectedly", {}, true};
            co_return 0;
        }
        raw_bytes_ += n;
        if (reset_halfway_ && raw_bytes_ * 2 >= c_.parser->content_length().value_or(0)) {
            boost::system::error_code ignored;
            c_.socket.set_option(asio::socket_base::linger(true, 0), ignored);  // RST, as a dropped link
            c_.socket.close(ignored);
            finished_ = true;
            error = aws_error{400, "IncompleteBody", "The request body terminated unexpectedly", {}, true};
            co_return 0;
        }
        if (bandwidth_) {
            auto due = shaped_since_ + std::chrono::microseconds((raw_bytes_ - shaped_from_) * 1'000'000 / bandwidth_);
            if (due > std::chrono::steady_clock::now()) {
                asio::steady_timer t(co_await asio::this_coro::executor, due);
                co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
            }
        }
        if (hash_) hash_->update(into.data(), n);
        if (decoder_) {
            n = decoder_->decode_in_place(into, n);
            if (decoder_->failed()) {
                error = finish();
                co_return 0;
            }
        }
        if (n > 0) co_return n;
    }
    co_return 0;
}

asio::awaitable<bool> parser_body_reader::drain() {
    if (finished_ || c_.parser->is_done()) co_return true;
    // Refuse to drain a huge body: closing the connection is cheaper.
    if (c_.parser->content_length_remaining().value_or(UINT64_MAX) > 8 * 1024 * 1024) co_return false;
    std::vector<std::byte> scratch(64 * 1024);
    std::optional<aws_error> ignored;
    while (!finished_ && !c_.parser->is_done()) {
        auto& parser = *c_.parser;
        parser.get().body().data = scratch.data();
        parser.get().body().size = scratch.size();
        auto [ec, n] = co_await http::async_read_some(c_.socket, c_.buffer, parser, asio::as_tuple(asio::use_awaitable));
        (void)n;
        if (ec && ec != http::error::need_buffer) co_return false;
    }
    co_return true;
}

}  // namespace localaws::server
