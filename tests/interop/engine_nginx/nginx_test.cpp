// engine/ against a real nginx: plain and TLS, verification failures, keep-alive, ranges, and a
// 256 MiB download streamed to disk with flat memory.
#include "engine/error.hpp"
#include "engine/http/client.hpp"
#include "engine/scheduler/task_group.hpp"
#include "nginx_fixture.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>

namespace shiftsync::engine::testing {
namespace {

namespace asio = boost::asio;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

template <class T>
T run(asio::io_context& io, asio::awaitable<T> task) {
    auto future = asio::co_spawn(io, std::move(task), asio::use_future);
    io.restart();
    io.run();
    return future.get();
}

// Peak resident memory (VmHWM) since the last reset, and the reset itself (Linux >= 4.0).
std::uint64_t peak_rss_bytes() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("VmHWM:", 0) == 0) return std::stoull(line.substr(6)) * 1024;
    return 0;
}
std::uint64_t current_rss_bytes() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("VmRSS:", 0) == 0) return std::stoull(line.substr(6)) * 1024;
    return 0;
}
void reset_peak_rss() {
    std::ofstream("/proc/self/clear_refs") << "5";
}

http::request get(std::string target) {
    http::request r;
    r.target = std::move(target);
    return r;
}

class nginx : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        server_ = std::make_unique<nginx_fixture>();
        std::ofstream(server_->docroot() / "small.txt") << std::string(1000, 's');
        write_offset_pattern_file(server_->docroot() / "pattern-1m.bin", 1 << 20);
    }
    static void TearDownTestSuite() { server_.reset(); }

    http::endpoint plain() const {
        return {.scheme = http::scheme::http, .host = "127.0.0.1", .port = server_->http_port()};
    }
    http::endpoint tls(std::string host = "localhost") const {
        return {.scheme = http::scheme::https, .host = std::move(host), .port = server_->https_port()};
    }
    http::client_config trusting_test_ca() const {
        http::client_config config;
        config.tls.ca_file = server_->ca_file();
        config.tls.use_system_store = false;
        return config;
    }
    boost::system::result<http::response> send(http::client& c, http::endpoint where, http::request r,
                                               http::request_options o = {}) {
        return run(io, c.async_send(std::move(where), std::move(r), std::move(o)));
    }

    static inline std::unique_ptr<nginx_fixture> server_;
    asio::io_context io;
};

TEST_F(nginx, plain_gets_reuse_one_keep_alive_connection) {
    http::client c(io.get_executor());
    for (int i = 0; i < 50; ++i) {
        auto r = send(c, plain(), get("/small.txt"));
        ASSERT_TRUE(r) << r.error().message();
        ASSERT_EQ(r->status, 200u);
        ASSERT_EQ(r->body, std::string(1000, 's'));
    }
    EXPECT_EQ(c.stats(plain()).opened_total, 1u);
    EXPECT_EQ(c.stats(plain()).reused_total, 49u);
}

TEST_F(nginx, missing_objects_are_a_404_value_not_an_error) {
    http::client c(io.get_executor());
    auto r = send(c, plain(), get("/nope"));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 404u);
    EXPECT_EQ(r->attempts, 1);
}

TEST_F(nginx, tls_verifies_against_the_test_ca_and_keeps_alive) {
    http::client c(io.get_executor(), trusting_test_ca());
    for (int i = 0; i < 20; ++i) {
        auto r = send(c, tls(), get("/small.txt"));
        ASSERT_TRUE(r) << r.error().message();
        ASSERT_EQ(r->body, std::string(1000, 's'));
    }
    EXPECT_EQ(c.stats(tls()).opened_total, 1u);
}

TEST_F(nginx, tls_with_a_wrong_host_name_fails_verification) {
    http::client c(io.get_executor(), trusting_test_ca());
    auto r = send(c, tls("127.0.0.1"), get("/small.txt"));  // the certificate names only "localhost"
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::tls_verification_failed) << r.error().message();
    EXPECT_EQ(c.metrics().snapshot().at(0).retries(), 0u);  // fatal: never retried
}

TEST_F(nginx, tls_with_an_unknown_ca_fails_verification) {
    http::client_config config;
    config.tls.ca_file = server_->other_ca_file();
    config.tls.use_system_store = false;
    http::client c(io.get_executor(), config);
    auto r = send(c, tls(), get("/small.txt"));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::tls_verification_failed) << r.error().message();
    http::client system_store_only(io.get_executor());
    auto again = send(system_store_only, tls(), get("/small.txt"));
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error(), errc::tls_verification_failed);
}

TEST_F(nginx, range_requests_return_206_with_exactly_the_bytes_asked_for) {
    http::client c(io.get_executor(), trusting_test_ca());
    auto r = get("/pattern-1m.bin");
    r.headers.add("Range", "bytes=4096-8191");
    auto reply = send(c, tls(), r);
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->status, 206u);
    EXPECT_EQ(*reply->headers.find("Content-Range"), "bytes 4096-8191/1048576");
    ASSERT_EQ(reply->body.size(), 4096u);
    std::uint64_t first_word = 0;
    std::memcpy(&first_word, reply->body.data(), 8);
    EXPECT_EQ(first_word, 4096u);
}

TEST_F(nginx, parallel_ranged_gets_assemble_one_file_at_their_offsets) {
    http::client_config config = trusting_test_ca();
    config.pool.max_connections = 4;
    http::client c(io.get_executor(), config);
    const auto target = server_->scratch() / "assembled.bin";
    constexpr std::uint64_t size = 1 << 20, part = 100'000;
    int ok = 0;
    auto part_get = [&](std::uint64_t offset) -> asio::awaitable<void> {
        auto r = get("/pattern-1m.bin");
        const auto last = std::min(offset + part, size) - 1;
        r.headers.add("Range", "bytes=" + std::to_string(offset) + "-" + std::to_string(last));
        http::request_options options;
        options.sink = http::file_sink{target.string(), offset};
        options.priority = priority::bulk;
        auto where = tls();
        auto reply = co_await c.async_send(std::move(where), std::move(r), std::move(options));
        if (reply && reply->status == 206) ++ok;
    };
    auto download = [&]() -> asio::awaitable<void> {
        task_group group(io.get_executor(), 8);
        for (std::uint64_t offset = 0; offset < size; offset += part) co_await group.async_spawn(part_get(offset));
        co_await group.async_wait();
    };
    run(io, download());
    EXPECT_EQ(ok, 11);
    EXPECT_EQ(fs::file_size(target), size);
    EXPECT_EQ(check_offset_pattern_file(target), -1);
    EXPECT_LE(c.stats(tls()).peak_open, 4u);
}

TEST_F(nginx, a_256_mib_download_streams_to_disk_with_flat_memory) {
    constexpr std::uint64_t size = 256ull << 20;
    const auto source = server_->docroot() / "big.bin";
    const auto target = server_->scratch() / "big-copy.bin";
    write_offset_pattern_file(source, size);
    http::client c(io.get_executor());
    http::request_options options;
    options.sink = http::file_sink{target.string(), 0};
    const auto rss_before = current_rss_bytes();
    reset_peak_rss();
    auto r = send(c, plain(), get("/big.bin"), options);
    const auto peak = peak_rss_bytes();
    ASSERT_TRUE(r) << r.error().message();
    const auto growth = peak - std::min(peak, rss_before);
    RecordProperty("peak_rss_growth_bytes", std::to_string(growth));
    std::printf("256 MiB download: peak RSS growth %.1f MiB (RSS before %.1f MiB)\n", growth / 1048576.0,
                rss_before / 1048576.0);
    EXPECT_EQ(r->status, 200u);
    EXPECT_EQ(r->body_bytes, size);
    EXPECT_TRUE(r->body.empty());
    // Flat: the download may add its receive buffer and little else, nothing proportional to size.
    EXPECT_LT(growth, 16ull << 20) << "rss before " << rss_before << ", peak " << peak;
    EXPECT_EQ(fs::file_size(target), size);
    EXPECT_EQ(check_offset_pattern_file(target), -1);
    fs::remove(source);
    fs::remove(target);
}

}  // namespace
}  // namespace shiftsync::engine::testing
