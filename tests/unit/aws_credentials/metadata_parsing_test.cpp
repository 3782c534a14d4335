// How the container and EC2 providers read their endpoint URLs and the credentials document.

#include "aws/credentials/chain.hpp"
#include "aws/credentials/metadata_endpoint.hpp"

#include <gtest/gtest.h>

using namespace shiftsync::aws;

TEST(MetadataUrl, SplitsWhereToConnectWhatToAskAndWhatToShow) {
    auto u = detail::parse_metadata_url("http://127.0.0.1:8080/v2/credentials/abc?role=x");
    ASSERT_TRUE(u);
    EXPECT_EQ(u->where.host, "127.0.0.1");
    EXPECT_EQ(u->where.port, 8080);
    EXPECT_EQ(u->target, "/v2/credentials/abc?role=x");
    EXPECT_EQ(u->shown, "http://127.0.0.1:8080/v2/credentials/abc");  // no query in messages
}

TEST(MetadataUrl, NoPathMeansTheRoot) {
    auto u = detail::parse_metadata_url("http://169.254.169.254");
    ASSERT_TRUE(u);
    EXPECT_EQ(u->target, "/");
    EXPECT_EQ(u->shown, "http://169.254.169.254/");
}

// Found by the aws_config fuzzer (in engine::http::endpoint::parse): a query right after the host
// was taken for part of the host, or of the port.
TEST(MetadataUrl, QueryRightAfterTheHost) {
    auto u = detail::parse_metadata_url("http://127.0.0.1:8080?role=x");
    ASSERT_TRUE(u);
    EXPECT_EQ(u->where.host, "127.0.0.1");
    EXPECT_EQ(u->where.port, 8080);
    EXPECT_EQ(u->target, "/?role=x");
    EXPECT_EQ(detail::parse_metadata_url("http://169.254.170.2?x")->where.host, "169.254.170.2");
}

TEST(MetadataUrl, RefusesUserInfoAndNonHttp) {
    EXPECT_FALSE(detail::parse_metadata_url("http://user:password@127.0.0.1/creds"));
    EXPECT_FALSE(detail::parse_metadata_url("ftp://127.0.0.1/creds"));
    EXPECT_FALSE(detail::parse_metadata_url("127.0.0.1/creds"));
}

TEST(MetadataCredentialsDocument, ImdsAndContainerShapes) {
    auto imds = parse_metadata_credentials(
        R"({"Code":"Success","LastUpdated":"2026-11-28T10:00:00Z","Type":"AWS-HMAC","AccessKeyId":"ASIAEXAMPLE",)"
        R"("SecretAccessKey":"s3cr3t","Token":"tok","Expiration":"2026-11-28T16:00:00Z"})");
    ASSERT_TRUE(imds);
    EXPECT_EQ(imds->creds.access_key_id, "ASIAEXAMPLE");
    EXPECT_EQ(imds->creds.session_token, "tok");
    ASSERT_TRUE(imds->expiration);

    auto container = parse_metadata_credentials(
        R"({"AccessKeyId":"ASIAEXAMPLE","SecretAccessKey":"s3cr3t","Token":"tok","Expiration":"2026-11-28T16:00:00Z",)"
        R"("RoleArn":"arn:aws:iam::111122223333:role/x"})");
    ASSERT_TRUE(container);
}

TEST(MetadataCredentialsDocument, MissingKeysOrBadDatesAreMalformed) {
    EXPECT_FALSE(parse_metadata_credentials(R"({"Code":"Success"})"));
    EXPECT_FALSE(parse_metadata_credentials(R"({"AccessKeyId":"A","SecretAccessKey":"S","Expiration":"tomorrow"})"));
    EXPECT_FALSE(parse_metadata_credentials("not json"));
    // Long-term keys (no Expiration) are kept as they are.
    auto keys = parse_metadata_credentials(R"({"AccessKeyId":"A","SecretAccessKey":"S"})");
    ASSERT_TRUE(keys);
    EXPECT_FALSE(keys->expiration);
}
