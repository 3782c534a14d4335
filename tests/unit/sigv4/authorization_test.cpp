// Reading signatures back, as a verifying server does: parse, rebuild, compare.

#include "sigv4/authorization.hpp"
#include "sigv4/signer.hpp"

#include <gtest/gtest.h>

using namespace shiftsync::sigv4;

namespace {

const credentials creds{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"};

}  // namespace

TEST(Authorization, ParsesWhatTheSignerWrites) {
    signer s;
    std::vector<header_view> headers{{"Host", "example.amazonaws.com"}};
    signature sig;
    s.sign({"GET", "/", "", headers}, creds, signing_options::for_service("service", "us-east-1", *parse_amz_date("20150830T123600Z")), sig);
    std::string error;
    auto parsed = parse_authorization_header(sig.headers_to_add.back().value, error);
    ASSERT_TRUE(parsed) << error;
    EXPECT_EQ(parsed->credential.access_key_id, "AKIDEXAMPLE");
    EXPECT_EQ(parsed->credential.scope(), "20150830/us-east-1/service/aws4_request");
    EXPECT_EQ(parsed->signed_headers, (std::vector<std::string>{"host", "x-amz-date"}));
    EXPECT_EQ(parsed->signature, sig.signature_hex);

    // A verifier rebuilds the canonical request from what it received and gets the same signature.
    std::vector<header_view> received{{"host", "example.amazonaws.com"}, {"x-amz-date", "20150830T123600Z"}};
    std::string canonical, signed_headers;
    build_canonical_request({.method = "GET", .path = "/", .headers = received, .payload_hash = empty_payload_sha256},
                            canonical, signed_headers);
    auto key = hmac_key(derive_signing_key(creds.secret_access_key, "20150830", "us-east-1", "service"));
    std::string expected = compute_signature(key, "20150830T123600Z", parsed->credential.scope(), canonical);
    EXPECT_TRUE(signatures_equal(expected, parsed->signature));
    EXPECT_FALSE(signatures_equal(expected, std::string(64, '0')));
}

TEST(Authorization, RejectsMalformedHeadersWithoutEchoingSecrets) {
    std::string error;
    EXPECT_FALSE(parse_authorization_header("Basic dXNlcjpwYXNz", error));
    EXPECT_NE(error.find("AWS4-HMAC-SHA256"), std::string::npos);
    EXPECT_FALSE(parse_authorization_header("AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/s3/aws4_request", error));
    EXPECT_FALSE(parse_authorization_header(
        "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/s3/wrong, SignedHeaders=host, Signature=abc", error));
    EXPECT_NE(error.find("aws4_request"), std::string::npos);
}

TEST(Authorization, ParsesPresignedQuery) {
    signer s;
    std::vector<header_view> headers{{"Host", "example.amazonaws.com"}};
    signature sig;
    auto opts = signing_options::for_s3("us-east-1", *parse_amz_date("20150830T123600Z"));
    opts.expires = std::chrono::seconds(900);
    credentials temp{"ASIAEXAMPLE", "secret", "token/with+special=chars"};
    ASSERT_EQ(s.presign({"GET", "/bucket/key", "", headers}, temp, opts, sig), sign_error::none);
    std::string error;
    auto parsed = parse_presigned_query(sig.query_to_add, error);
    ASSERT_TRUE(parsed) << error;
    EXPECT_EQ(parsed->amz_date, "20150830T123600Z");
    EXPECT_EQ(parsed->expires_seconds, 900);
    EXPECT_EQ(parsed->security_token, "token/with+special=chars");
    EXPECT_EQ(parsed->signature, sig.signature_hex);
    EXPECT_FALSE(parse_presigned_query("X-Amz-Algorithm=AWS4-HMAC-SHA256", error));
}
