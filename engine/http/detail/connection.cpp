#include "engine/http/detail/connection.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>

#include <openssl/ssl.h>

namespace shiftsync::engine::http::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
using boost::system::error_code;
using tcp = asio::ip::tcp;

connection::tcp_stream& connection::socket_layer() {
    return visit([](auto& s) -> tcp_stream& { return beast::get_lowest_layer(s); });
}

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

bool cancelled(const asio::cancellation_state& state) {
    return state.cancelled() != asio::cancellation_type::none;
}

// The operation failed: say why in engine terms (a fired step timer is a named timeout).
error_code step_error(error_code ec, errc on_timeout, const asio::cancellation_state& state) {
    if (ec == beast::error::timeout) return make_error_code(on_timeout);
    if (ec == asio::error::operation_aborted || cancelled(state)) return make_error_code(errc::cancelled);
    return ec;
}

// Name resolution has no stream timer to arm, so it races a timer instead. IP literals skip it.
asio::awaitable<boost::system::result<tcp::resolver::results_type>> resolve(const endpoint& where,
                                                                            const deadline_budget& budget,
                                                                            std::chrono::milliseconds limit) {
    auto executor = co_await asio::this_coro::executor;
    error_code parse_error;
    const auto address = asio::ip::make_address(where.host, parse_error);
    if (!parse_error)
        co_return tcp::resolver::results_type::create(tcp::endpoint(address, where.port), where.host,
                                                      std::to_string(where.port));
    using namespace asio::experimental::awaitable_operators;
    tcp::resolver resolver(executor);
    asio::steady_timer timer(executor, std::min<deadline_budget::clock::duration>(limit, budget.remaining()));
    const std::string port = std::to_string(where.port);
    auto outcome = co_await (resolver.async_resolve(where.host, port, use_tuple) ||
                             timer.async_wait(use_tuple));
    if (outcome.index() == 1) co_return make_error_code(errc::connect_timeout);
    auto [ec, results] = std::get<0>(std::move(outcome));
    if (ec) co_return make_error_code(errc::resolve_failed);
    co_return results;
}

// Host-name verification and SNI for one TLS connection. SNI carries DNS names only, never an IP.
error_code prepare_tls(connection::tls_stream& stream, const endpoint& where) {
    error_code parse_error;
    asio::ip::make_address(where.host, parse_error);
    if (parse_error && !SSL_set_tlsext_host_name(stream.native_handle(), where.host.c_str()))
        return make_error_code(errc::bad_endpoint);
    stream.set_verify_callback(asio::ssl::host_name_verification(where.host));
    return {};
}

}  // namespace

asio::awaitable<boost::system::result<std::unique_ptr<connection>>> async_open(connection_id id, const endpoint& where,
                                                                               asio::ssl::context* tls,
                                                                               const deadlines& limits,
                                                                               const deadline_budget& budget) {
    auto executor = co_await asio::this_coro::executor;
    auto state = co_await asio::this_coro::cancellation_state;
    if (where.host.empty() || (where.scheme == scheme::https && !tls)) co_return make_error_code(errc::bad_endpoint);

    auto resolved = co_await resolve(where, budget, limits.connect);
    if (!resolved) co_return resolved.error();
    if (cancelled(state)) co_return make_error_code(errc::cancelled);

    connection::tcp_stream tcp_layer(executor);
    auto on_timeout = budget.arm(tcp_layer, limits.connect, errc::connect_timeout);
    auto [connect_ec, peer] = co_await tcp_layer.async_connect(*resolved, use_tuple);
    if (connect_ec) co_return step_error(connect_ec, on_timeout, state);
    tcp_layer.socket().set_option(tcp::no_delay(true));

    if (where.scheme == scheme::http) co_return std::make_unique<connection>(id, std::move(tcp_layer));

    connection::tls_stream tls_layer(std::move(tcp_layer), *tls);
    if (auto ec = prepare_tls(tls_layer, where)) co_return ec;
    on_timeout = budget.arm(beast::get_lowest_layer(tls_layer), limits.tls_handshake, errc::tls_handshake_timeout);
    auto [handshake_ec] = co_await tls_layer.async_handshake(asio::ssl::stream_base::client, use_tuple);
    if (handshake_ec) {
        // OpenSSL keeps the verification verdict on the connection: report a failed chain or host
        // name as such, not as a generic handshake failure, so it is classified as fatal.
        if (SSL_get_verify_result(tls_layer.native_handle()) != X509_V_OK)
            co_return make_error_code(errc::tls_verification_failed);
        co_return step_error(handshake_ec, on_timeout, state);
    }
    co_return std::make_unique<connection>(id, std::move(tls_layer));
}

}  // namespace shiftsync::engine::http::detail
