// The plain-text request form `shiftsync sign` reads and prints (AWS's suite runs it on its own
// files in aws_suite_test.cpp; these are the cases the suite does not have).
#include "sigv4/raw_http.hpp"

#include <gtest/gtest.h>

namespace shiftsync::sigv4 {
namespace {

signature added(std::string query, std::vector<header_field> headers) {
    signature sig;
    sig.query_to_add = std::move(query);
    sig.headers_to_add = std::move(headers);
    return sig;
}

TEST(RawHttp, ReadsLfAndCrlfWithFoldedHeaders) {
    std::string error;
    auto r = parse_raw_http_request("POST /a b?x=1 HTTP/1.1\r\nHost:h\r\nMy:v1\r\n  v2\r\n\r\nbody\r\n", error);
    ASSERT_TRUE(r) << error;
    EXPECT_EQ(r->request.method, "POST");
    EXPECT_EQ(r->request.path, "/a b");
    EXPECT_EQ(r->request.query, "x=1");
    EXPECT_EQ(r->version, "HTTP/1.1");
    ASSERT_EQ(r->request.headers.size(), 2u);
    EXPECT_EQ(r->request.headers[1].value, "v1   v2");
    EXPECT_EQ(r->request.body, "body\r\n");
    EXPECT_TRUE(r->crlf);
    EXPECT_FALSE(parse_raw_http_request("GET / HTTP/1.1\nHost:h\n", error)->crlf);
}

TEST(RawHttp, RefusesWhatIsNoRequest) {
    std::string error;
    EXPECT_FALSE(parse_raw_http_request("GET /\nHost:h\n", error));
    EXPECT_EQ(error, "the first line must be 'METHOD TARGET HTTP/1.1'");
    EXPECT_FALSE(parse_raw_http_request("GET / HTTP/1.1\n folded\n", error));
    EXPECT_EQ(error, "a continuation line comes before any header");
    EXPECT_FALSE(parse_raw_http_request("GET / HTTP/1.1\n:v\n", error));
}

TEST(RawHttp, PrintsTheRequestBackWithWhatTheSignatureAdds) {
    std::string error;
    auto r = parse_raw_http_request("GET /p?a=1 HTTP/1.1\nHost:h\n\nbody", error);
    ASSERT_TRUE(r);
    EXPECT_EQ(render_signed_request(*r, added("X-Amz-Signature=ab", {})),
              "GET /p?a=1&X-Amz-Signature=ab HTTP/1.1\nHost:h\n\nbody");
    EXPECT_EQ(render_signed_request(*r, added("", {{"Authorization", "AWS4-HMAC-SHA256 x"}})),
              "GET /p?a=1 HTTP/1.1\nHost:h\nAuthorization:AWS4-HMAC-SHA256 x\n\nbody");
}

// Found by the sigv4_raw_request fuzzer: a header value ending in CR was printed with LF alone,
// so reading the printed request back took that CR for the line end and the value changed; and a
// CRLF request came back with LF line ends. Line ends now follow the request's, and text ending
// in CR always gets CR LF.
TEST(RawHttp, PrintedRequestReadsBackTheSame) {
    std::string error;
    auto crlf = parse_raw_http_request("GET / HTTP/1.1\r\nHost:h\r\nX:v\r\r\n\r\n", error);
    ASSERT_TRUE(crlf);
    EXPECT_EQ(crlf->request.headers[1].value, "v\r");
    const std::string printed = render_signed_request(*crlf, added("", {{"X-Amz-Date", "20150830T123600Z"}}));
    EXPECT_EQ(printed, "GET / HTTP/1.1\r\nHost:h\r\nX:v\r\r\nX-Amz-Date:20150830T123600Z\r\n\r\n");
    auto back = parse_raw_http_request(printed, error);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->request.headers[1].value, "v\r");

    auto lf = parse_raw_http_request("GET / HTTP/1.1\nX:v\r\r\n\n", error);
    ASSERT_TRUE(lf);
    EXPECT_EQ(render_signed_request(*lf, {}), "GET / HTTP/1.1\nX:v\r\r\n\n");
}

}  // namespace
}  // namespace shiftsync::sigv4
