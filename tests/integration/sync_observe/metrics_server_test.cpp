// metrics_server over loopback: scraped by curl (and read back strictly; by Python's
// prometheus_client too when it is installed), and probed with a raw socket for what a scraper
// never sends: an unknown path, another method, a malformed request, a request with a body, a head
// over the limit, a client that says nothing. Then stop() ends it all.
#include "transfer/sync/metrics_server.hpp"
#include "transfer/sync/sync_metrics.hpp"
#include "../../unit/sync_observe/exposition_check.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <future>
#include <thread>

namespace asio = boost::asio;
using namespace shiftsync::transfer::sync;

namespace {

// A server on its own io_context thread, as the sync worker runs it on its network thread.
class running_server {
public:
    explicit running_server(metrics_server_options options = {.max_connections = 2,
                                                               .max_request_bytes = 1024,
                                                               .deadline = std::chrono::milliseconds(500)}) {
        metrics.add_rows("orders", 1234);
        metrics.add_bytes("orders", 99);
        metrics.set_phase("orders", "copy");
        metrics.add_retries(2);
        auto opened = metrics_server::open(io.get_executor(), [this] { return metrics.exposition(); }, options);
        if (!opened) throw std::runtime_error(opened.error().message());
        server = std::move(*opened);
        asio::co_spawn(io, server->async_run(), [this](std::exception_ptr) { finished = true; });
        thread = std::thread([this] { io.run(); });
    }
    ~running_server() {
        stop();
        thread.join();
    }
    void stop() {
        asio::post(io, [this] { server->stop(); });
    }
    std::uint16_t port() const { return server->port(); }

    sync_metrics metrics;
    asio::io_context io;
    std::unique_ptr<metrics_server> server;
    std::atomic<bool> finished{false};
    std::thread thread;
};

int connect_to(std::uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval wait{10, 0};  // a broken server fails the test rather than hang it
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

// Sends `request` and reads until the server closes (or 10 s pass: then "" plus what came).
std::string exchange(std::uint16_t port, const std::string& request) {
    const int fd = connect_to(port);
    if (fd < 0) return "connect failed";
    ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
    std::string reply;
    char buffer[4096];
    for (ssize_t n; (n = ::recv(fd, buffer, sizeof buffer, 0)) > 0;) reply.append(buffer, static_cast<std::size_t>(n));
    ::close(fd);
    return reply;
}

std::string status_line(const std::string& reply) { return reply.substr(0, reply.find("\r\n")); }

// Runs a shell command, returning its exit status and standard output.
std::pair<int, std::string> shell(const std::string& command) {
    std::string out;
    FILE* p = ::popen(command.c_str(), "r");
    if (!p) return {-1, ""};
    char buffer[4096];
    for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, p)) > 0;) out.append(buffer, n);
    const int status = ::pclose(p);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

}  // namespace

TEST(metrics_server, curl_scrapes_the_exposition) {
    running_server s;
    ASSERT_NE(s.port(), 0);  // port 0 asked: the ephemeral one chosen is known
    const std::string url = "http://127.0.0.1:" + std::to_string(s.port()) + "/metrics";
    const auto [rc, body] = shell("curl -sS --fail --max-time 10 " + url);
    ASSERT_EQ(rc, 0) << body;
    EXPECT_EQ(body, s.metrics.exposition());
    const auto parsed = shiftsync::testing::parse_exposition(body);
    EXPECT_TRUE(parsed.errors.empty()) << body;
    EXPECT_EQ(parsed.value("shiftsync_rows_total", {{"stream", "orders"}}), 1234);
    EXPECT_EQ(parsed.value("shiftsync_retries_total"), 2);

    const auto [head_rc, headers] = shell("curl -sS --fail --max-time 10 -D - -o /dev/null " + url);
    ASSERT_EQ(head_rc, 0);
    EXPECT_NE(headers.find("Content-Type: text/plain; version=0.0.4; charset=utf-8"), std::string::npos) << headers;

    // Later counts show in the next scrape.
    asio::post(s.io, [&] { s.metrics.add_rows("orders", 1); });
    const auto [rc2, again] = shell("curl -sS --fail --max-time 10 " + url);
    EXPECT_EQ(shiftsync::testing::parse_exposition(again).value("shiftsync_rows_total", {{"stream", "orders"}}), 1235);
}

TEST(metrics_server, prometheus_client_parses_the_exposition) {
    // The Debian package installs into the system's python, which may not be the first on PATH.
    std::string python;
    for (const char* candidate : {"python3", "/usr/bin/python3"})
        if (python.empty() && shell(std::string(candidate) + " -c 'import prometheus_client' 2>/dev/null").first == 0)
            python = candidate;
    // make test installs it (tools/setup/install-deps.sh): missing, the test fails rather than skips.
    ASSERT_FALSE(python.empty()) << "python3's prometheus_client is not installed (Debian: python3-prometheus-client; "
                                    "tools/setup/install-deps.sh installs it)";
    running_server s;
    s.metrics.add_rows("we\"ird\\name\nx", 5);
    const std::string script =
        "import sys, urllib.request\n"
        "from prometheus_client.parser import text_string_to_metric_families\n"
        "text = urllib.request.urlopen(sys.argv[1], timeout=10).read().decode()\n"
        "for family in text_string_to_metric_families(text):\n"
        "    for sample in family.samples:\n"
        "        print(family.type, sample.name, repr(sorted(sample.labels.items())), sample.value)\n";
    const std::string path = ::testing::TempDir() + "parse_metrics.py";
    std::ofstream(path) << script;
    const auto [rc, out] =
        shell(python + " " + path + " http://127.0.0.1:" + std::to_string(s.port()) + "/metrics 2>&1");
    ASSERT_EQ(rc, 0) << out;
    EXPECT_NE(out.find("counter shiftsync_rows_total [('stream', 'orders')] 1234.0"), std::string::npos) << out;
    EXPECT_NE(out.find("counter shiftsync_rows_total [('stream', 'we\"ird\\\\name\\nx')] 5.0"), std::string::npos) << out;
    EXPECT_NE(out.find("gauge shiftsync_stream_phase [('phase', 'copy'), ('stream', 'orders')] 1.0"),
              std::string::npos)
        << out;
    EXPECT_NE(out.find("gauge shiftsync_up [] 1.0"), std::string::npos) << out;
}

TEST(metrics_server, answers_what_it_does_not_serve_with_an_error) {
    running_server s;
    const auto port = s.port();
    EXPECT_EQ(status_line(exchange(port, "GET /other HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")),
              "HTTP/1.1 404 Not Found");
    const auto put = exchange(port, "PUT /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    EXPECT_EQ(status_line(put), "HTTP/1.1 405 Method Not Allowed");
    EXPECT_NE(put.find("Allow: GET, HEAD"), std::string::npos) << put;
    EXPECT_EQ(status_line(exchange(port, "THIS IS NOT HTTP\r\n\r\n")), "HTTP/1.1 400 Bad Request");
    EXPECT_EQ(status_line(exchange(port, "GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello")),
              "HTTP/1.1 400 Bad Request");
    // A head four times the 1 KiB limit: refused, and the connection closed.
    const std::string huge = "GET /metrics HTTP/1.1\r\nHost: x\r\nX-Filler: " + std::string(4096, 'a') + "\r\n\r\n";
    EXPECT_EQ(status_line(exchange(port, huge)), "HTTP/1.1 431 Request Header Fields Too Large");
    // HEAD: the headers of a GET, no body.
    const auto head = exchange(port, "HEAD /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    EXPECT_EQ(status_line(head), "HTTP/1.1 200 OK");
    EXPECT_EQ(head.substr(head.find("\r\n\r\n") + 4), "");
    // And it still serves after all that.
    EXPECT_EQ(shell("curl -sS --fail --max-time 10 -o /dev/null http://127.0.0.1:" + std::to_string(port) + "/metrics")
                  .first,
              0);
    EXPECT_EQ(s.server->requests_served(), 0u + 7);
}

TEST(metrics_server, keep_alive_serves_several_requests_on_one_connection) {
    running_server s;
    const std::string get = "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n";
    const auto reply = exchange(s.port(), get + get + "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    std::size_t answers = 0;
    for (auto at = reply.find("HTTP/1.1 200 OK"); at != std::string::npos; at = reply.find("HTTP/1.1 200 OK", at + 1))
        ++answers;
    EXPECT_EQ(answers, 3u);
}

TEST(metrics_server, a_silent_client_is_closed_at_its_deadline_and_does_not_block_others_for_good) {
    running_server s;  // two connections at once, 500 ms each
    // Two clients that connect and say nothing take both slots...
    const int silent1 = connect_to(s.port());
    const int silent2 = connect_to(s.port());
    ASSERT_GE(silent1, 0);
    ASSERT_GE(silent2, 0);
    // ...a scrape meanwhile waits in the backlog and is answered once their deadlines close them.
    const auto reply = exchange(s.port(), "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    EXPECT_EQ(status_line(reply), "HTTP/1.1 200 OK");
    char byte;
    EXPECT_EQ(::recv(silent1, &byte, 1, 0), 0);  // closed by the server, not by our 10 s timeout
    EXPECT_EQ(::recv(silent2, &byte, 1, 0), 0);
    ::close(silent1);
    ::close(silent2);
}

TEST(metrics_server, stop_ends_the_run_and_frees_the_port) {
    auto s = std::make_unique<running_server>();
    const auto port = s->port();
    const int idle = connect_to(port);  // a connection open at stop() must not hold it up
    ASSERT_GE(idle, 0);
    s->stop();
    s->thread.join();  // io.run() returns: async_run ended and nothing of the server is left running
    EXPECT_TRUE(s->finished);
    s->thread = std::thread([] {});
    EXPECT_LT(connect_to(port), 0);
    ::close(idle);
    s.reset();
}

TEST(metrics_server, cancelling_the_awaiting_coroutine_ends_the_run_and_its_connections) {
    asio::io_context io;
    auto opened = metrics_server::open(io.get_executor(), [] { return std::string("x 1\n"); }, {});
    ASSERT_TRUE(opened);
    auto& server = **opened;
    asio::cancellation_signal signal;
    bool finished = false;
    asio::co_spawn(io, server.async_run(),
                   asio::bind_cancellation_slot(signal.slot(), [&](std::exception_ptr e) { finished = !e; }));
    const int client = connect_to(server.port());  // the kernel completes it; poll() accepts it
    ASSERT_GE(client, 0);
    for (int i = 0; i < 100 && io.poll() > 0;) ++i;
    signal.emit(asio::cancellation_type::terminal);
    io.run_for(std::chrono::seconds(10));  // a bound for a broken server, not a timing check
    EXPECT_TRUE(finished);
    char byte;
    EXPECT_EQ(::recv(client, &byte, 1, 0), 0);  // its connection was closed too
    ::close(client);
}

TEST(metrics_server, refuses_a_port_in_use_and_bad_options) {
    running_server first;
    asio::io_context io;
    auto again = metrics_server::open(io.get_executor(), [] { return std::string(); }, {.port = first.port()});
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error(), boost::system::errc::address_in_use) << again.error().message();
    EXPECT_FALSE(metrics_server::open(io.get_executor(), [] { return std::string(); }, {.max_connections = 0}));
    EXPECT_FALSE(metrics_server::open(io.get_executor(), nullptr, {}));
}
