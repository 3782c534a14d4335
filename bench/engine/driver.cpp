// The engine's side of bench/engine/run.sh (not a test). One io_context thread.
//   engine_bench_driver rps <url> <connections> <seconds> [<ca-file>]   small GETs, N connections -> requests/s
//   engine_bench_driver download <url> [<ca-file>]                      one GET to a discard sink -> MB/s
// <ca-file>: the CA to trust for https URLs (the bench's throw-away CA).
// Prints key=value lines, including peak_rss_kib (VmHWM of this process).
#include "engine/http/client.hpp"
#include "engine/scheduler/task_group.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>

namespace asio = boost::asio;
using namespace shiftsync::engine;
using clock_type = std::chrono::steady_clock;

namespace {

long peak_rss_kib() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
    return -1;
}

struct target {
    http::endpoint where;
    std::string path;
};

target parse(const std::string& url) {
    auto where = http::endpoint::parse(url);
    if (!where) throw std::runtime_error("bad url: " + url);
    const auto scheme_end = url.find("://") + 3;
    const auto slash = url.find('/', scheme_end);
    return {*where, slash == std::string::npos ? "/" : url.substr(slash)};
}

http::client_config config_trusting(const std::string& ca_file) {
    http::client_config config;
    if (!ca_file.empty()) {
        config.tls.ca_file = ca_file;
        config.tls.use_system_store = false;
    }
    return config;
}

int requests_per_second(const target& t, std::size_t connections, int seconds, const std::string& ca_file) {
    asio::io_context io(1);
    auto config = config_trusting(ca_file);
    config.pool.max_connections = connections;
    http::client c(io.get_executor(), config);
    std::uint64_t completed = 0, failed = 0;
    const auto end = clock_type::now() + std::chrono::seconds(seconds);
    auto worker = [&]() -> asio::awaitable<void> {
        while (clock_type::now() < end) {
            http::request r;
            r.target = t.path;
            auto reply = co_await c.async_send(t.where, std::move(r));
            if (reply && reply->status == 200)
                ++completed;
            else
                ++failed;
        }
    };
    const auto start = clock_type::now();
    auto all = [&]() -> asio::awaitable<void> {
        task_group group(io.get_executor(), connections);
        for (std::size_t i = 0; i < connections; ++i) group.spawn(worker());
        co_await group.async_wait();
    };
    asio::co_spawn(io, all(), asio::detached);
    io.run();
    const double elapsed = std::chrono::duration<double>(clock_type::now() - start).count();
    std::printf("requests=%llu\nfailed=%llu\nrequests_per_sec=%.0f\npeak_rss_kib=%ld\n",
                static_cast<unsigned long long>(completed), static_cast<unsigned long long>(failed),
                static_cast<double>(completed) / elapsed, peak_rss_kib());
    return failed == 0 ? 0 : 1;
}

int download(const target& t, const std::string& ca_file) {
    asio::io_context io(1);
    http::client c(io.get_executor(), config_trusting(ca_file));
    http::request_options options;
    options.sink = http::discard_sink{};
    std::uint64_t bytes = 0;
    bool ok = false;
    const auto start = clock_type::now();
    auto one = [&]() -> asio::awaitable<void> {
        http::request r;
        r.target = t.path;
        auto reply = co_await c.async_send(t.where, std::move(r), std::move(options));
        ok = reply && reply->status == 200;
        if (reply) bytes = reply->body_bytes;
    };
    asio::co_spawn(io, one(), asio::detached);
    io.run();
    const double elapsed = std::chrono::duration<double>(clock_type::now() - start).count();
    std::printf("bytes=%llu\nmb_per_sec=%.1f\npeak_rss_kib=%ld\n", static_cast<unsigned long long>(bytes),
                static_cast<double>(bytes) / elapsed / 1e6, peak_rss_kib());
    return ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        const std::string mode = argc > 1 ? argv[1] : "";
        if (mode == "rps" && (argc == 5 || argc == 6))
            return requests_per_second(parse(argv[2]), std::stoul(argv[3]), std::stoi(argv[4]),
                                       argc == 6 ? argv[5] : "");
        if (mode == "download" && (argc == 3 || argc == 4)) return download(parse(argv[2]), argc == 4 ? argv[3] : "");
    } catch (const std::exception& e) {
        std::fprintf(stderr, "engine_bench_driver: %s\n", e.what());
        return 2;
    }
    std::fprintf(stderr,
                 "usage: engine_bench_driver rps <url> <connections> <seconds> [<ca-file>]\n"
                 "       engine_bench_driver download <url> [<ca-file>]\n");
    return 2;
}
