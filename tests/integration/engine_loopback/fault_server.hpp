#pragma once
// A small HTTP/1.1 server for the engine's loopback tests. It misbehaves on request: each target
// names a fault (see fault_server.cpp for the list). It runs its own io_context thread and counts
// what a real server would not tell us: connections accepted, open now, peak open, and hits per key.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace shiftsync::engine::testing {

class fault_server {
public:
    fault_server();
    ~fault_server();

    std::uint16_t port() const { return port_; }
    std::uint64_t accepted() const { return accepted_; }
    std::int64_t open_now() const { return open_; }
    std::int64_t peak_open() const { return peak_; }
    std::uint64_t requests() const { return requests_; }
    // How many requests carried ?key=<key>.
    int hits(const std::string& key) const;
    // The X-Mark header of each request with ?key=<key> that carried one, in arrival order.
    std::vector<std::string> marks(const std::string& key) const;

private:
    boost::asio::awaitable<void> accept_loop();
    boost::asio::awaitable<void> serve(boost::asio::ip::tcp::socket socket);
    int count_hit(const std::string& key, const std::string& mark);

    boost::asio::io_context io_;
    boost::asio::ip::tcp::acceptor acceptor_;
    std::uint16_t port_ = 0;
    std::atomic<std::uint64_t> accepted_{0};
    std::atomic<std::int64_t> open_{0};
    std::atomic<std::int64_t> peak_{0};
    std::atomic<std::uint64_t> requests_{0};
    mutable std::mutex mutex_;
    std::map<std::string, int> hits_;
    std::map<std::string, std::vector<std::string>> marks_;
    std::thread thread_;
};

}  // namespace shiftsync::engine::testing
