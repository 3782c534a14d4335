#include "tools/localaws/pg_frontend/frontend.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cstdio>
#include <thread>

#include "tools/localaws/pg_frontend/session.hpp"

namespace localaws::pg_frontend {
namespace asio = boost::asio;
using boost::system::error_code;

struct frontend::impl {
    explicit impl(frontend_options options) : shared(std::move(options)), acceptor(io) {}

    asio::awaitable<void> accept_loop() {
        for (;;) {
            auto strand = asio::make_strand(io);
            tcp::socket socket(strand);
            error_code ec;
            co_await acceptor.async_accept(socket, asio::redirect_error(asio::use_awaitable, ec));
            if (ec == asio::error::operation_aborted) co_return;
            if (ec) {
                std::fprintf(stderr, "localaws: endpoint accept failed: %s\n", ec.message().c_str());
                continue;
            }
            socket.set_option(tcp::no_delay(true), ec);
            auto s = std::make_shared<session>(shared, std::move(socket), strand);
            asio::co_spawn(strand, s->run(), asio::detached);
        }
    }

    shared_context shared;
    asio::io_context io;
    tcp::acceptor acceptor;
    std::vector<std::thread> threads;
};

frontend::frontend(frontend_options options) : impl_(std::make_unique<impl>(std::move(options))) {}

frontend::~frontend() { stop(); }

std::string frontend::start() {
    auto& d = *impl_;
    error_code ec;
    d.shared.tls.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                             asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                             asio::ssl::context::no_tlsv1_1);
    d.shared.tls.use_certificate_chain_file(d.shared.options.cert_file.string(), ec);
    if (!ec) d.shared.tls.use_private_key_file(d.shared.options.key_file.string(), asio::ssl::context::pem, ec);
    if (ec) return "the endpoint's certificate: " + ec.message();
    // The port is held by port_reservation's bound, never-listening SO_REUSEADDR socket: binding
    // with SO_REUSEADDR too takes it over without a moment when another process could.
    const tcp::endpoint at(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(d.shared.options.port));
    d.acceptor.open(at.protocol(), ec);
    if (!ec) d.acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) d.acceptor.bind(at, ec);
    if (!ec) d.acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return "the endpoint cannot listen on 127.0.0.1:" + std::to_string(d.shared.options.port) + ": " + ec.message();
    asio::co_spawn(d.io, d.accept_loop(), asio::detached);
    for (unsigned i = 0; i < std::max(1u, d.shared.options.threads); ++i) d.threads.emplace_back([&d] { d.io.run(); });
    return {};
}

void frontend::stop() {
    if (!impl_) return;
    auto& d = *impl_;
    if (d.threads.empty()) return;
    d.io.stop();
    for (auto& t : d.threads) t.join();
    d.threads.clear();
    d.shared.pool.join();
}

}  // namespace localaws::pg_frontend
