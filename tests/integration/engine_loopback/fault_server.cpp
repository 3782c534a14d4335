// Every request's X-Mark header (if any) is recorded per key, in arrival order (see marks()).
// Targets understood (query parameters: key=<name> counts hits; fail=<n> applies the fault to
// the first n hits of that key only, then answers normally; size=<bytes>; ms=<milliseconds>):
//   /ok                    200, `size` bytes of a repeating pattern
//   /echo                  200, body = "<bytes received> <sum of received bytes>"
//   /sleep                 waits `ms`, then like /ok
//   /reset-before-headers  reads the request, then resets the connection (RST)
//   /reset-mid-body        sends the head and half the body, then resets
//   /truncated             sends the head and half the body, then closes cleanly (FIN)
//   /slow-headers          waits `ms` before the head
//   /stall-body            sends the head and half the body, then goes silent
//   /503                   503 with Retry-After: <secs> (or x-amz-retry-after: <amzms>)
//   /close                 200 with Connection: close, then closes
//   /close-silently        200 (keep-alive advertised), then closes: the keep-alive race
//   /huge-header           a 100 KiB response header
//   /chunked               200, `size` bytes of the pattern in chunked transfer encoding (1000-byte chunks)
//   /interim               100 Continue and 103 Early Hints, then like /ok, in one write
//   /te-and-length         200 with Transfer-Encoding: gzip and Content-Length (a split response)
//   /te-twice              200 chunked, "hello", with a first Transfer-Encoding field that is no coding
//   /long-head             200 whose reason phrase is `reason` bytes and X-Pad header `pad` bytes
#include "fault_server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <istream>

namespace shiftsync::engine::testing {

namespace asio = boost::asio;
using asio::ip::tcp;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

namespace {

struct parsed_request {
    std::string method;
    std::string path;
    std::map<std::string, std::string> query;
    std::uint64_t content_length = 0;
    std::string mark;  // the X-Mark header's value
};

long long number(const parsed_request& r, const std::string& name, long long fallback) {
    const auto it = r.query.find(name);
    if (it == r.query.end()) return fallback;
    long long value = fallback;
    std::from_chars(it->second.data(), it->second.data() + it->second.size(), value);
    return value;
}

parsed_request parse_head(const std::string& head) {
    parsed_request r;
    const auto line_end = head.find("\r\n");
    const auto line = head.substr(0, line_end);
    const auto sp1 = line.find(' ');
    const auto sp2 = line.find(' ', sp1 + 1);
    r.method = line.substr(0, sp1);
    const auto target = line.substr(sp1 + 1, sp2 - sp1 - 1);
    const auto q = target.find('?');
    r.path = target.substr(0, q);
    if (q != std::string::npos) {
        std::string rest = target.substr(q + 1);
        while (!rest.empty()) {
            const auto amp = rest.find('&');
            const auto pair = rest.substr(0, amp);
            const auto eq = pair.find('=');
            r.query[pair.substr(0, eq)] = eq == std::string::npos ? "" : pair.substr(eq + 1);
            rest = amp == std::string::npos ? "" : rest.substr(amp + 1);
        }
    }
    std::string lower = head;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    if (const auto at = lower.find("\r\ncontent-length:"); at != std::string::npos)
        r.content_length = std::stoull(lower.substr(at + 17));
    if (const auto at = lower.find("\r\nx-mark:"); at != std::string::npos) {
        const auto from = head.find_first_not_of(' ', at + 9);
        r.mark = head.substr(from, head.find("\r\n", from) - from);
    }
    return r;
}

std::string pattern_body(std::size_t size) {
    std::string body(size, '\0');
    for (std::size_t i = 0; i < size; ++i) body[i] = static_cast<char>('a' + i % 26);
    return body;
}

std::string head_for(int status, std::uint64_t length, const std::string& extra = "") {
    const char* reason = status == 200 ? "OK" : status == 503 ? "Service Unavailable" : "Status";
    return "HTTP/1.1 " + std::to_string(status) + " " + reason + "\r\nContent-Length: " + std::to_string(length) +
           "\r\n" + extra + "\r\n";
}

void reset(tcp::socket& socket) {
    boost::system::error_code ignored;
    socket.set_option(asio::socket_base::linger(true, 0), ignored);  // close -> RST, not FIN
    socket.close(ignored);
}

asio::awaitable<void> pause(long long ms) {
    asio::steady_timer timer(co_await asio::this_coro::executor, std::chrono::milliseconds(ms));
    co_await timer.async_wait(use_tuple);
}

}  // namespace

fault_server::fault_server() : acceptor_(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    acceptor_.listen(4096);
    port_ = acceptor_.local_endpoint().port();
    asio::co_spawn(io_, accept_loop(), asio::detached);
    thread_ = std::thread([this] { io_.run(); });
}

fault_server::~fault_server() {
    io_.stop();
    thread_.join();
}

int fault_server::hits(const std::string& key) const {
    std::lock_guard lock(mutex_);
    const auto it = hits_.find(key);
    return it == hits_.end() ? 0 : it->second;
}

std::vector<std::string> fault_server::marks(const std::string& key) const {
    std::lock_guard lock(mutex_);
    const auto it = marks_.find(key);
    return it == marks_.end() ? std::vector<std::string>{} : it->second;
}

int fault_server::count_hit(const std::string& key, const std::string& mark) {
    std::lock_guard lock(mutex_);
    if (!mark.empty()) marks_[key].push_back(mark);
    return ++hits_[key];
}

asio::awaitable<void> fault_server::accept_loop() {
    for (;;) {
        auto [ec, socket] = co_await acceptor_.async_accept(use_tuple);
        if (ec) co_return;
        ++accepted_;
        const auto now_open = ++open_;
        auto peak = peak_.load();
        while (now_open > peak && !peak_.compare_exchange_weak(peak, now_open)) {
        }
        asio::co_spawn(io_, serve(std::move(socket)), asio::detached);
    }
}

asio::awaitable<void> fault_server::serve(tcp::socket socket) {
    struct open_count {
        std::atomic<std::int64_t>& open;
        ~open_count() { --open; }
    } guard{open_};
    asio::streambuf in;
    for (;;) {
        auto [ec, n] = co_await asio::async_read_until(socket, in, "\r\n\r\n", use_tuple);
        if (ec) co_return;
        std::string head(asio::buffers_begin(in.data()), asio::buffers_begin(in.data()) + n);
        in.consume(n);
        const auto r = parse_head(head);
        ++requests_;
        // Read (and checksum) the request body.
        std::uint64_t received = 0, sum = 0;
        while (received < r.content_length) {
            if (in.size() == 0) {
                auto [read_ec, got] = co_await asio::async_read(socket, in, asio::transfer_at_least(1), use_tuple);
                if (read_ec) co_return;
            }
            const auto take = std::min<std::uint64_t>(in.size(), r.content_length - received);
            const auto* bytes = static_cast<const unsigned char*>(in.data().data());
            for (std::uint64_t i = 0; i < take; ++i) sum += bytes[i];
            in.consume(take);
            received += take;
        }
        const auto key = r.query.count("key") ? r.query.at("key") : r.path;
        const int hit = count_hit(key, r.mark);
        const bool faulty = hit <= number(r, "fail", 1'000'000'000);
        const auto size = static_cast<std::size_t>(number(r, "size", 100));
        const auto body = pattern_body(size);
        std::string reply = head_for(200, size) + (r.method == "HEAD" ? "" : body);
        bool close_after = false;

        if (r.path == "/echo") {
            const auto text = std::to_string(received) + " " + std::to_string(sum);
            reply = head_for(200, text.size()) + text;
        } else if (r.path == "/sleep") {
            const long long ms = number(r, "ms", 10);
            co_await pause(ms);
        } else if (faulty && r.path == "/reset-before-headers") {
            reset(socket);
            co_return;
        } else if (faulty && (r.path == "/reset-mid-body" || r.path == "/truncated" || r.path == "/stall-body")) {
            const auto partial = head_for(200, size) + body.substr(0, size / 2);
            co_await asio::async_write(socket, asio::buffer(partial), use_tuple);
            if (r.path == "/reset-mid-body") {
                co_await pause(20);  // let the client read the partial body first
                reset(socket);
            } else if (r.path == "/stall-body") {
                const long long ms = number(r, "ms", 60'000);
                co_await pause(ms);
            }
            co_return;  // /truncated: the socket's destructor closes it cleanly
        } else if (faulty && r.path == "/slow-headers") {
            const long long ms = number(r, "ms", 1000);
            co_await pause(ms);
        } else if (faulty && r.path == "/503") {
            const std::string hint = r.query.count("amzms")
                                         ? "x-amz-retry-after: " + r.query.at("amzms") + "\r\n"
                                         : "Retry-After: " + std::to_string(number(r, "secs", 1)) + "\r\n";
            const std::string error_body = "<Error><Code>ServiceUnavailable</Code></Error>";
            reply = head_for(503, error_body.size(), hint) + error_body;
        } else if (r.path == "/close") {
            reply = head_for(200, size, "Connection: close\r\n") + body;
            close_after = true;
        } else if (r.path == "/close-silently") {
            close_after = true;
        } else if (r.path == "/chunked") {
            reply = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
            for (std::size_t at = 0; at < size; at += 1000) {
                const auto piece = body.substr(at, 1000);
                char length[16];
                std::snprintf(length, sizeof length, "%zx\r\n", piece.size());
                reply += length + piece + "\r\n";
            }
            reply += "0\r\n\r\n";
        } else if (r.path == "/interim") {
            reply = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </style.css>\r\n\r\n" + reply;
        } else if (r.path == "/te-and-length") {
            // In this order: Beast itself refuses Content-Length followed by Transfer-Encoding.
            reply = "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nContent-Length: " + std::to_string(size) +
                    "\r\n\r\n" + body;
        } else if (r.path == "/te-twice") {
            reply = "HTTP/1.1 200 OK\r\nTransfer-Encoding: x/y\r\nTransfer-Encoding: chunked\r\n\r\n"
                    "5\r\nhello\r\n0\r\n\r\n";
        } else if (r.path == "/long-head") {
            const auto reason = static_cast<std::size_t>(number(r, "reason", 10));
            const auto pad = static_cast<std::size_t>(number(r, "pad", 10));
            reply = "HTTP/1.1 200 " + std::string(reason, 'r') + "\r\nX-Pad: " + std::string(pad, 'p') +
                    "\r\nContent-Length: " + std::to_string(size) + "\r\n\r\n" + body;
        } else if (r.path == "/huge-header") {
            reply = head_for(200, size, "X-Huge: " + std::string(100 * 1024, 'h') + "\r\n") + body;
        }
        auto [write_ec, written] = co_await asio::async_write(socket, asio::buffer(reply), use_tuple);
        if (write_ec || close_after) co_return;
    }
}

}  // namespace shiftsync::engine::testing
