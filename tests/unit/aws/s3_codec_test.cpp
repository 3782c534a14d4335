#include "aws/s3/checksums.hpp"
#include "aws/s3/s3_client.hpp"
#include "aws/sts/sts_client.hpp"

#include <gtest/gtest.h>

using namespace shiftsync::aws;

TEST(S3Checksums, KnownValues) {
    EXPECT_EQ(s3::crc32c().update("123456789").value(), 0xE3069283u);  // the CRC-32C check value
    EXPECT_EQ(s3::crc32c().update("123").update("456789").value(), 0xE3069283u);
    EXPECT_EQ(s3::crc32c().update("123456789").base64(), "4waSgw==");
    EXPECT_EQ(s3::content_md5(""), "1B2M2Y8AsgTpgAmY7PhCfg==");
}

TEST(S3Codec, ListObjectsV2Page) {
    auto page = s3::parse_list_objects_v2(R"(<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>b</Name><Prefix>run/</Prefix><KeyCount>2</KeyCount>
<IsTruncated>true</IsTruncated><NextContinuationToken>tok==</NextContinuationToken>
<Contents><Key>run/a &amp; b.gz</Key><Size>12345678901</Size><ETag>"abc-2"</ETag><LastModified>2026-11-28T12:00:00.000Z</LastModified></Contents>
<CommonPrefixes><Prefix>run/sub/</Prefix></CommonPrefixes></ListBucketResult>)");
    ASSERT_TRUE(page);
    ASSERT_EQ(page->objects.size(), 1u);
    EXPECT_EQ(page->objects[0].key, "run/a & b.gz");
    EXPECT_EQ(page->objects[0].size, 12345678901u);
    EXPECT_EQ(page->objects[0].etag, "\"abc-2\"");
    EXPECT_EQ(page->common_prefixes, std::vector<std::string>{"run/sub/"});
    EXPECT_EQ(page->next_continuation_token, "tok==");
    EXPECT_FALSE(s3::parse_list_objects_v2("<Error><Code>x</Code></Error>"));
}

TEST(S3Codec, RequestBodiesEscapeKeys) {
    EXPECT_EQ(s3::complete_multipart_body({{1, "\"a\""}, {2, "\"b\""}}),
              "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Part><PartNumber>1</PartNumber>"
              "<ETag>&quot;a&quot;</ETag></Part><Part><PartNumber>2</PartNumber><ETag>&quot;b&quot;</ETag></Part>"
              "</CompleteMultipartUpload>");
    std::vector<std::string> keys{"a<b>&c", "line\nbreak"};
    EXPECT_EQ(s3::delete_objects_body(keys, 0, 2),
              "<Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Quiet>true</Quiet>"
              "<Object><Key>a&lt;b&gt;&amp;c</Key></Object><Object><Key>line&#10;break</Key></Object></Delete>");
    auto failures = s3::parse_delete_objects_result(
        "<DeleteResult><Error><Key>k</Key><Code>AccessDenied</Code><Message>no</Message></Error></DeleteResult>");
    ASSERT_TRUE(failures);
    ASSERT_EQ(failures->size(), 1u);
    EXPECT_EQ((*failures)[0].code, "AccessDenied");
}

TEST(S3Codec, ContentRangeTotal) {
    EXPECT_EQ(s3::total_from_content_range("bytes 0-99/1234"), 1234u);
    EXPECT_FALSE(s3::total_from_content_range("bytes 0-99/*"));
}

TEST(StsCodec, AssumeRoleResponse) {
    auto role = sts::parse_assume_role_response(R"(<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
<AssumeRoleResult><Credentials><AccessKeyId>ASIAX</AccessKeyId><SecretAccessKey>sec</SecretAccessKey>
<SessionToken>tok</SessionToken><Expiration>2026-11-28T15:00:00Z</Expiration></Credentials>
<AssumedRoleUser><Arn>arn:aws:sts::111122223333:assumed-role/r/s</Arn><AssumedRoleId>AROA:s</AssumedRoleId></AssumedRoleUser>
</AssumeRoleResult></AssumeRoleResponse>)");
    ASSERT_TRUE(role);
    EXPECT_EQ(role->credentials.creds.access_key_id, "ASIAX");
    EXPECT_EQ(role->assumed_role_arn, "arn:aws:sts::111122223333:assumed-role/r/s");
    EXPECT_TRUE(role->credentials.expiration.has_value());
    EXPECT_FALSE(sts::parse_assume_role_response("<AssumeRoleResponse/>"));
}
