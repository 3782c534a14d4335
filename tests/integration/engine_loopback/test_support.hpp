#pragma once
// Helpers for the engine's loopback tests: run a coroutine to completion on a fresh io_context,
// and a client aimed at the fault server with short, test-sized deadlines and backoffs.

#include "engine/http/client.hpp"
#include "fault_server.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <gtest/gtest.h>

namespace shiftsync::engine::testing {

namespace asio = boost::asio;
using namespace std::chrono_literals;

template <class T>
T run(asio::io_context& io, asio::awaitable<T> task) {
    auto future = asio::co_spawn(io, std::move(task), asio::use_future);
    io.restart();
    io.run();
    return future.get();
}

inline http::client_config fast_config(std::size_t max_connections = 4) {
    http::client_config config;
    config.pool.max_connections = max_connections;
    config.retry.max_attempts = 3;
    config.retry.backoff = {.base = 10ms, .cap = 50ms};
    return config;
}

inline http::request_options short_deadlines() {
    http::request_options options;
    options.deadlines.connect = 2s;
    options.deadlines.first_byte = 5s;
    options.deadlines.idle = 5s;
    options.deadlines.total = 20s;
    return options;
}

inline http::request get(std::string target) {
    http::request r;
    r.target = std::move(target);
    return r;
}

inline std::string pattern(std::size_t size) {
    std::string body(size, '\0');
    for (std::size_t i = 0; i < size; ++i) body[i] = static_cast<char>('a' + i % 26);
    return body;
}

class loopback : public ::testing::Test {
protected:
    http::endpoint server_endpoint() const {
        return {.scheme = http::scheme::http, .host = "127.0.0.1", .port = server.port()};
    }
    boost::system::result<http::response> send(http::client& c, http::request r,
                                               http::request_options o = short_deadlines()) {
        return run(io, c.async_send(server_endpoint(), std::move(r), std::move(o)));
    }

    fault_server server;
    asio::io_context io;
};

}  // namespace shiftsync::engine::testing
