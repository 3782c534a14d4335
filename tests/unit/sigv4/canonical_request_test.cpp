// Canonical request pieces: paths (normalised and double-encoded vs S3's as-sent), queries (decoded,
// re-encoded, sorted), headers (trimmed, folded, joined).

#include "sigv4/canonical_request.hpp"
#include "sigv4/uri_encoding.hpp"

#include <gtest/gtest.h>

using namespace shiftsync::sigv4;

namespace {

std::string uri(std::string_view path, path_rules rules) {
    std::string out;
    append_canonical_uri(out, path, rules);
    return out;
}

std::string query(std::string_view q) {
    std::string out;
    append_canonical_query(out, q, {});
    return out;
}

}  // namespace

TEST(CanonicalUri, AwsServicesNormaliseAndEncodeAgain) {
    EXPECT_EQ(uri("/a/./b/../c//d/", path_rules::aws_service()), "/a/c/d/");
    EXPECT_EQ(uri("/example/..", path_rules::aws_service()), "/");
    EXPECT_EQ(uri("", path_rules::aws_service()), "/");
    // Already encoded on the wire: encoded once more ("double encoding").
    EXPECT_EQ(uri("/my%20file", path_rules::aws_service()), "/my%2520file");
    EXPECT_EQ(uri("/\xe1\x88\xb4", path_rules::aws_service()), "/%E1%88%B4");
}

TEST(CanonicalUri, S3SignsThePathExactlyAsSent) {
    EXPECT_EQ(uri("/bucket/a/./b/../c//d", path_rules::s3()), "/bucket/a/./b/../c//d");
    EXPECT_EQ(uri("/bucket/my%20file", path_rules::s3()), "/bucket/my%20file");
    EXPECT_EQ(uri("", path_rules::s3()), "/");
}

TEST(CanonicalQuery, DecodesReencodesAndSorts) {
    EXPECT_EQ(query("b=2&a=1"), "a=1&b=2");
    // Repeated keys sort by value; a key without '=' gets an empty value.
    EXPECT_EQ(query("k=2&k=1&flag"), "flag=&k=1&k=2");
    // Lower-case hex and raw reserved characters come out as upper-case %XX; '+' is a plus, not a space.
    EXPECT_EQ(query("q=a%2fb&r=x+y&s=%7E"), "q=a%2Fb&r=x%2By&s=~");
    EXPECT_EQ(query("\xe1\x88\xb4=bar"), "%E1%88%B4=bar");
    // Sorting is by encoded bytes: upper case before lower case, '-' (0x2D) before letters.
    EXPECT_EQ(query("a=1&B=2&-=3"), "-=3&B=2&a=1");
    EXPECT_EQ(query(""), "");
    EXPECT_EQ(query("a=1&&b=2"), "a=1&b=2");
}

TEST(CanonicalQuery, VerifierLeavesTheSignatureOut) {
    std::string out;
    append_canonical_query(out, "X-Amz-Signature=abc&X-Amz-Date=1", {}, "X-Amz-Signature");
    EXPECT_EQ(out, "X-Amz-Date=1");
}

TEST(CanonicalRequest, HeadersAreTrimmedFoldedAndJoined) {
    std::vector<header_view> headers = {{"Host", "example.amazonaws.com"},
                                        {"My-Header", "  a   b\t c  "},
                                        {"my-header", "second"},
                                        {"X-Folded", "one\n   two"}};
    canonical_request_input in{.method = "GET", .path = "/", .headers = headers, .payload_hash = "UNSIGNED-PAYLOAD"};
    std::string out, signed_headers;
    build_canonical_request(in, out, signed_headers);
    EXPECT_EQ(signed_headers, "host;my-header;x-folded");
    EXPECT_EQ(out,
              "GET\n/\n\nhost:example.amazonaws.com\nmy-header:a b c,second\nx-folded:one two\n\n"
              "host;my-header;x-folded\nUNSIGNED-PAYLOAD");
}

TEST(UriEncoding, PercentDecodeKeepsMalformedSequences) {
    EXPECT_EQ(percent_decode("a%20b%zz%"), "a b%zz%");
    EXPECT_EQ(percent_decode("%e1%88%b4"), "\xe1\x88\xb4");
    EXPECT_EQ(uri_encode("a/b c~", slash::keep), "a/b%20c~");
    EXPECT_EQ(uri_encode("a/b", slash::encode), "a%2Fb");
}

TEST(CanonicalRequest, TrimallMatchesANaiveFoldOnRandomValues) {
    // The fast path scans eight bytes at a time; compare it with the obvious per-byte fold on values
    // mixing white space, control bytes and UTF-8 at every alignment.
    auto naive = [](std::string_view v) {
        std::string out;
        bool pending = false;
        for (char c : v) {
            bool space = c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
            if (space) {
                pending = !out.empty();
                continue;
            }
            if (pending) out.push_back(' ');
            pending = false;
            out.push_back(c);
        }
        return out;
    };
    const char alphabet[] = {'a', 'Z', '0', ' ', '\t', '\n', '\x01', '\x1f', '!', '\xc3', '\xa9', '\x7f', ' '};
    std::uint32_t state = 12345;
    for (int round = 0; round < 2000; ++round) {
        std::string value;
        int len = static_cast<int>(state % 40);
        for (int i = 0; i < len; ++i) {
            state = state * 1664525u + 1013904223u;
            value.push_back(alphabet[(state >> 16) % sizeof(alphabet)]);
        }
        state = state * 1664525u + 1013904223u;
        std::vector<header_view> headers{{"x", value}};
        std::string out, signed_headers;
        build_canonical_request({.method = "GET", .path = "/", .headers = headers, .payload_hash = "p"}, out,
                                signed_headers);
        ASSERT_EQ(out, "GET\n/\n\nx:" + naive(value) + "\n\nx\np") << "value of " << value.size() << " bytes";
    }
}
