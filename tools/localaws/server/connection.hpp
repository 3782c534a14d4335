#pragma once
// Private to server/: one HTTP/1.1 connection's Beast state, shared by the session loop, the
// streaming body reader and the response writer.

#include "tools/localaws/auth/chunked_decoder.hpp"
#include "tools/localaws/server/request.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>

#include <chrono>
#include <optional>
#include <vector>

namespace localaws::server {

using tcp = boost::asio::ip::tcp;
namespace http = boost::beast::http;
using request_parser = http::request_parser<http::buffer_body>;

struct connection {
    tcp::socket socket;
    boost::beast::flat_buffer buffer;
    std::optional<request_parser> parser;
    bool continue_sent = false;
    std::vector<std::byte> scratch;  // body reads of buffered requests, sized on first use
};

// "Expect: 100-continue", compared as RFC 9110 says: case-insensitively (aws-sdk-go v1, and so
// rclone, sends "100-Continue"; answered late, it waits a second before each upload body).
inline bool expects_continue(const request_parser& parser) {
    return boost::beast::iequals(parser.get()[http::field::expect], "100-continue");
}

// Reads the request body through Beast's parser. For S3 it also decodes aws-chunked bodies, checks
// chunk signatures, and compares the body's SHA-256 with x-amz-content-sha256.
class parser_body_reader final : public body_reader {
public:
    parser_body_reader(connection& c, std::optional<auth::chunked_decoder> decoder, std::string expected_sha256,
                       std::optional<std::uint64_t> declared);
    boost::asio::awaitable<std::size_t> read(std::span<std::byte> into, std::optional<aws_error>& error) override;
    std::optional<std::uint64_t> declared_length() const override { return declared_; }
    std::string trailer(std::string_view lower_name) const override {
        if (!decoder_) return {};
        auto it = decoder_->trailers().find(std::string(lower_name));
        return it == decoder_->trailers().end() ? std::string{} : it->second;
    }
    bool finished() const { return finished_; }
    std::uint64_t raw_bytes() const { return raw_bytes_; }

    // Reads and discards the rest (so the connection can be reused); false if that fails.
    boost::asio::awaitable<bool> drain();

    // Fault shaping of uploads: read no faster than `bytes_per_second` (0: unlimited), and reset the
    // connection once half of the announced body has arrived.
    void shape(std::uint64_t bytes_per_second, bool reset_halfway) {
        bandwidth_ = bytes_per_second;
        reset_halfway_ = reset_halfway;
        shaped_since_ = std::chrono::steady_clock::now();
        shaped_from_ = raw_bytes_;
    }

private:
    std::optional<aws_error> finish();

    connection& c_;
    std::optional<auth::chunked_decoder> decoder_;
    std::string expected_sha256_;  // hex; empty when unsigned
    std::optional<shiftsync::sigv4::sha256> hash_;
    std::optional<std::uint64_t> declared_;
    bool finished_ = false;
    std::uint64_t raw_bytes_ = 0;
    std::uint64_t bandwidth_ = 0;
    bool reset_halfway_ = false;
    std::chrono::steady_clock::time_point shaped_since_{};
    std::uint64_t shaped_from_ = 0;
};

}  // namespace localaws::server
