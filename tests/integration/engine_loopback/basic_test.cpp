// Requests that succeed: keep-alive reuse, body sources and sinks, limits.
#include "engine/error.hpp"
#include "test_support.hpp"

#include <filesystem>
#include <fstream>

namespace shiftsync::engine::testing {
namespace {

using basic = loopback;

TEST_F(basic, get_returns_status_headers_and_body) {
    http::client c(io.get_executor(), fast_config());
    auto r = send(c, get("/ok?size=1000"));
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(r->status, 200u);
    EXPECT_EQ(r->body, pattern(1000));
    EXPECT_EQ(*r->headers.find("content-length"), "1000");
    EXPECT_EQ(r->attempts, 1);
}

TEST_F(basic, sequential_requests_reuse_one_keep_alive_connection) {
    http::client c(io.get_executor(), fast_config());
    for (int i = 0; i < 20; ++i) ASSERT_TRUE(send(c, get("/ok?size=10")));
    EXPECT_EQ(server.accepted(), 1u);
    EXPECT_EQ(c.stats(server_endpoint()).reused_total, 19u);
}

TEST_F(basic, request_bodies_stream_from_buffer_file_range_and_producer) {
    http::client c(io.get_executor(), fast_config());
    const auto payload = pattern(3'000'000);
    std::uint64_t sum = 0;
    for (unsigned char ch : payload) sum += ch;
    const auto expected = std::to_string(payload.size()) + " " + std::to_string(sum);

    auto put = get("/echo");
    put.method = "PUT";
    put.body = http::buffer_source::from(payload);
    auto from_buffer = send(c, put);
    ASSERT_TRUE(from_buffer);
    EXPECT_EQ(from_buffer->body, expected);

    const auto path = std::filesystem::temp_directory_path() / ("engine-body-" + std::to_string(::getpid()));
    {
        std::ofstream file(path, std::ios::binary);
        file << "HEADER" << payload << "TRAILER";
    }
    put.body = http::file_range_source{path.string(), 6, payload.size()};
    auto from_file = send(c, put);
    std::filesystem::remove(path);
    ASSERT_TRUE(from_file);
    EXPECT_EQ(from_file->body, expected);

    int calls = 0;
    put.body = http::producer_source{
        payload.size(),
        [&](std::span<std::byte> out, std::uint64_t offset) -> asio::awaitable<boost::system::result<std::size_t>> {
            ++calls;
            const auto n = std::min<std::size_t>({out.size(), payload.size() - offset, 100'000});
            std::memcpy(out.data(), payload.data() + offset, n);
            co_return n;
        }};
    auto from_producer = send(c, put);
    ASSERT_TRUE(from_producer);
    EXPECT_EQ(from_producer->body, expected);
    EXPECT_EQ(calls, 30);  // asked for at most 100 kB at a time: back-pressure by construction
}

TEST_F(basic, response_bodies_go_to_a_file_at_an_offset_or_a_consumer) {
    http::client c(io.get_executor(), fast_config());
    const auto path = std::filesystem::temp_directory_path() / ("engine-sink-" + std::to_string(::getpid()));
    {
        std::ofstream file(path, std::ios::binary);
        file << std::string(10, '-');
    }
    auto options = short_deadlines();
    options.sink = http::file_sink{path.string(), 5};
    auto to_file = send(c, get("/ok?size=2000000"), options);
    ASSERT_TRUE(to_file);
    EXPECT_TRUE(to_file->body.empty());
    EXPECT_EQ(to_file->body_bytes, 2'000'000u);
    std::ifstream in(path, std::ios::binary);
    const std::string content((std::istreambuf_iterator<char>(in)), {});
    std::filesystem::remove(path);
    EXPECT_EQ(content, "-----" + pattern(2'000'000));

    std::string consumed;
    int chunks = 0;
    options.sink =
        http::consumer_sink{[&](std::span<const std::byte> chunk) -> asio::awaitable<boost::system::result<void>> {
            ++chunks;
            consumed.append(reinterpret_cast<const char*>(chunk.data()), chunk.size());
            co_return boost::system::result<void>{};
        }};
    auto to_consumer = send(c, get("/ok?size=2000000"), options);
    ASSERT_TRUE(to_consumer);
    EXPECT_EQ(consumed, pattern(2'000'000));
    EXPECT_GT(chunks, 1);
}

TEST_F(basic, chunked_bodies_are_decoded_into_strings_and_sinks_and_keep_the_connection) {
    http::client c(io.get_executor(), fast_config());
    auto r = send(c, get("/chunked?size=25500"));
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(r->body, pattern(25500));
    std::string consumed;
    auto options = short_deadlines();
    options.sink =
        http::consumer_sink{[&](std::span<const std::byte> chunk) -> asio::awaitable<boost::system::result<void>> {
            consumed.append(reinterpret_cast<const char*>(chunk.data()), chunk.size());
            co_return boost::system::result<void>{};
        }};
    auto streamed = send(c, get("/chunked?size=300000"), options);
    ASSERT_TRUE(streamed);
    EXPECT_EQ(streamed->body_bytes, 300000u);
    EXPECT_EQ(consumed, pattern(300000));
    EXPECT_EQ(server.accepted(), 1u);
}

TEST_F(basic, head_responses_have_a_length_but_no_body_to_wait_for) {
    http::client c(io.get_executor(), fast_config());
    auto head = get("/ok?size=5000");
    head.method = "HEAD";
    auto r = send(c, head);
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(*r->headers.find("Content-Length"), "5000");
    EXPECT_TRUE(r->body.empty());
}

TEST_F(basic, an_error_status_body_never_reaches_the_file_sink) {
    http::client c(io.get_executor(), fast_config());
    auto options = short_deadlines();
    options.sink = http::discard_sink{};
    options.retry = retry_config{.max_attempts = 1};
    auto r = send(c, get("/503"), options);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 503u);
    EXPECT_NE(r->body.find("ServiceUnavailable"), std::string::npos);
}

TEST_F(basic, header_and_body_limits_are_enforced) {
    http::client c(io.get_executor(), fast_config());
    auto huge = send(c, get("/huge-header"));
    ASSERT_FALSE(huge);
    EXPECT_EQ(huge.error(), errc::header_too_large);
    auto options = short_deadlines();
    options.max_body_bytes = 1000;
    auto big = send(c, get("/ok?size=5000"), options);
    ASSERT_FALSE(big);
    EXPECT_EQ(big.error(), errc::body_too_large);
    EXPECT_EQ(server.requests(), 2u);  // limits are not retried
}

TEST_F(basic, metrics_count_requests_bytes_and_latency_per_operation) {
    http::client c(io.get_executor(), fast_config());
    auto options = short_deadlines();
    options.operation = "test.Get";
    for (int i = 0; i < 10; ++i) ASSERT_TRUE(send(c, get("/ok?size=100"), options));
    const auto rows = c.metrics().snapshot();
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].operation, "test.Get");
    EXPECT_EQ(rows[0].requests, 10u);
    EXPECT_EQ(rows[0].bytes_received, 1000u);
    EXPECT_GT(rows[0].latency.quantile(0.99).count(), 0);
    EXPECT_NE(c.metrics().to_text().find("test.Get requests=10"), std::string::npos);
}

}  // namespace
}  // namespace shiftsync::engine::testing
