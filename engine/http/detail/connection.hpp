#pragma once
// One HTTP/1.1 connection, plain or TLS, with its read buffer. Internal to engine/http: this is
// where Beast lives, so only the client's .cpp files include it.

#include "engine/http/detail/deadline_budget.hpp"
#include "engine/http/endpoint.hpp"
#include "engine/http/request_options.hpp"
#include "engine/pool/pool_state.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/system/result.hpp>

#include <memory>
#include <variant>
#include <vector>

namespace shiftsync::engine::http::detail {

class connection {
public:
    using tcp_stream = boost::beast::tcp_stream;
    using tls_stream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

    // The read buffer starts at 16 KiB: Beast reads at most its free capacity (>= 512 bytes) per
    // call, so a small buffer would mean many small reads for every response head.
    connection(connection_id id, tcp_stream stream) : id_(id), stream_(std::move(stream)) {
        read_buffer_.reserve(16384);
    }
    connection(connection_id id, tls_stream stream) : id_(id), stream_(std::move(stream)) {
        read_buffer_.reserve(16384);
    }

    // Calls f(tcp_stream&) or f(tls_stream&): the exchange code is written once for both.
    template <class F>
    decltype(auto) visit(F&& f) {
        return std::visit(std::forward<F>(f), stream_);
    }

    std::variant<tcp_stream, tls_stream>& stream_for_exchange() { return stream_; }
    tcp_stream& socket_layer();
    boost::beast::flat_buffer& read_buffer() { return read_buffer_; }
    // The body chunk buffer, grown to at least `size` bytes on first need and kept.
    std::vector<std::byte>& body_buffer(std::size_t size) {
        if (body_buffer_.size() < size) body_buffer_.resize(size);
        return body_buffer_;
    }
    connection_id id() const { return id_; }

    // True once it has served a request: a failure before any response byte may then be the
    // keep-alive race (the server closed it while idle) rather than a real failure.
    bool reused = false;

private:
    connection_id id_;
    std::variant<tcp_stream, tls_stream> stream_;
    boost::beast::flat_buffer read_buffer_;
    std::vector<std::byte> body_buffer_;
};

// Resolves, connects and (for https) performs the TLS handshake with SNI and host-name verification.
// `tls` is required for https endpoints.
boost::asio::awaitable<boost::system::result<std::unique_ptr<connection>>> async_open(connection_id id,
                                                                                      const endpoint& where,
                                                                                      boost::asio::ssl::context* tls,
                                                                                      const deadlines& limits,
                                                                                      const deadline_budget& budget);

}  // namespace shiftsync::engine::http::detail
