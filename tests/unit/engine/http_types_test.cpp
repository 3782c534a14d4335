// The pure HTTP pieces: request head formatting, endpoint parsing, header lookup, classification.
#include "engine/error.hpp"
#include "engine/http/endpoint.hpp"
#include "engine/http/request_head.hpp"
#include "engine/http/request_options.hpp"

#include <gtest/gtest.h>
#include <boost/asio/error.hpp>

using namespace shiftsync::engine;
using namespace shiftsync::engine::http;

TEST(request_head, writes_host_and_framing_and_drops_caller_framing_headers) {
    request r;
    r.method = "PUT";
    r.target = "/bucket/key?partNumber=1";
    r.headers = {{"Content-Length", "999"}, {"x-amz-date", "20150830T123600Z"}, {"Connection", "close"}};
    r.body = buffer_source::from("hello");
    const endpoint where{.scheme = scheme::https, .host = "s3.example", .port = 443};
    EXPECT_EQ(format_request_head(r, where),
              "PUT /bucket/key?partNumber=1 HTTP/1.1\r\nHost: s3.example\r\n"
              "x-amz-date: 20150830T123600Z\r\nContent-Length: 5\r\n\r\n");
}

TEST(request_head, non_default_ports_appear_in_host_and_bodiless_gets_have_no_length) {
    request r;
    const endpoint where{.scheme = scheme::http, .host = "127.0.0.1", .port = 8080};
    EXPECT_EQ(format_request_head(r, where), "GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n");
    r.method = "POST";
    EXPECT_NE(format_request_head(r, where).find("Content-Length: 0\r\n"), std::string::npos);
}

TEST(endpoint, parses_urls_with_default_and_explicit_ports) {
    auto a = endpoint::parse("https://sts.us-east-1.amazonaws.com/");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->host, "sts.us-east-1.amazonaws.com");
    EXPECT_EQ(a->port, 443);
    auto b = endpoint::parse("http://localhost:9000/path");
    ASSERT_TRUE(b);
    EXPECT_EQ(b->scheme, scheme::http);
    EXPECT_EQ(b->port, 9000);
    EXPECT_EQ(b->key(), "http://localhost:9000");
    EXPECT_FALSE(endpoint::parse("ftp://x"));
    EXPECT_FALSE(endpoint::parse("http://:80"));
    EXPECT_FALSE(endpoint::parse("http://host:99999"));
}

// Found by the aws_config fuzzer: only '/' ended the host, so "http://h?x" had the host "h?x" and
// "http://h:80?x" failed on its port; user info became part of the host name.
TEST(endpoint, host_ends_at_path_query_or_fragment_and_user_info_is_refused) {
    auto q = endpoint::parse("http://127.0.0.1?role=x");
    ASSERT_TRUE(q);
    EXPECT_EQ(q->host, "127.0.0.1");
    EXPECT_EQ(q->port, 80);
    auto p = endpoint::parse("http://127.0.0.1:8080?role=x");
    ASSERT_TRUE(p);
    EXPECT_EQ(p->key(), "http://127.0.0.1:8080");
    EXPECT_EQ(endpoint::parse("https://h#frag")->host, "h");
    EXPECT_EQ(endpoint::parse("http://[::1]:9000/x")->host, "[::1]");
    EXPECT_FALSE(endpoint::parse("http://user@h/"));
    EXPECT_FALSE(endpoint::parse("http://?x"));
}

TEST(header_list, lookup_is_case_insensitive_and_set_replaces) {
    header_list h{{"Content-Type", "a"}, {"x-amz-request-id", "1"}};
    EXPECT_EQ(*h.find("content-type"), "a");
    h.set("CONTENT-TYPE", "b");
    EXPECT_EQ(h.size(), 2u);
    EXPECT_EQ(*h.find("Content-Type"), "b");
    EXPECT_EQ(h.find("missing"), nullptr);
}

TEST(default_classifier, maps_status_and_errors_to_retry_kinds) {
    response r;
    const auto kind_of = [&](unsigned status) {
        r.status = status;
        return default_classifier({{}, &r});
    };
    EXPECT_EQ(kind_of(200), failure_kind::none);
    EXPECT_EQ(kind_of(404), failure_kind::none);
    EXPECT_EQ(kind_of(429), failure_kind::throttling);
    EXPECT_EQ(kind_of(503), failure_kind::transient);
    EXPECT_EQ(default_classifier({make_error_code(errc::idle_timeout), nullptr}), failure_kind::timeout);
    EXPECT_EQ(default_classifier({make_error_code(errc::cancelled), nullptr}), failure_kind::fatal);
    EXPECT_EQ(default_classifier({make_error_code(errc::tls_verification_failed), nullptr}), failure_kind::fatal);
    EXPECT_EQ(default_classifier({boost::asio::error::connection_reset, nullptr}), failure_kind::transient);
}
