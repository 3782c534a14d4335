#pragma once
// The HTTP side of localaws: accept connections on 127.0.0.1 and serve each with one coroutine
// (keep-alive loop: read header -> route -> authenticate -> faults -> handler -> write -> log).

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace localaws {
class app;
}

namespace localaws::server {

// Serves one connection until the peer closes it or an error makes reuse unsafe.
boost::asio::awaitable<void> serve_connection(app& a, boost::asio::ip::tcp::socket socket);

// Accepts forever on `acceptor`, one serve_connection per client.
boost::asio::awaitable<void> accept_loop(app& a, boost::asio::ip::tcp::acceptor& acceptor);

}  // namespace localaws::server
