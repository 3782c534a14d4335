#include "aws/protocol/json_protocol.hpp"
#include "aws/protocol/query_protocol.hpp"
#include "aws/protocol/rest_xml_protocol.hpp"

#include <gtest/gtest.h>

using namespace shiftsync::aws;

TEST(JsonProtocol, TargetsAndErrorCodes) {
    EXPECT_EQ(json_protocol::target("RedshiftData", "ExecuteStatement"), "RedshiftData.ExecuteStatement");
    EXPECT_EQ(json_protocol::bare_error_code("com.amazonaws.redshiftdata#ValidationException"), "ValidationException");
    EXPECT_EQ(json_protocol::bare_error_code("ThrottlingException:http://internal.amazon.com/coral/"),
              "ThrottlingException");

    diagnostics d;
    json_protocol::parse_error(R"({"__type":"com.amazonaws.redshiftdata#ResourceNotFoundException","message":"Query does not exist."})",
                               "", d);
    EXPECT_EQ(d.code, "ResourceNotFoundException");
    EXPECT_EQ(d.message, "Query does not exist.");

    diagnostics upper;
    json_protocol::parse_error(R"({"__type":"ValidationException","Message":"bad \"sql\""})", "", upper);
    EXPECT_EQ(upper.message, "bad \"sql\"");

    diagnostics header_only;  // a proxy's HTML page: the header still tells
    json_protocol::parse_error("<html>oops</html>", "ThrottlingException:http://x", header_only);
    EXPECT_EQ(header_only.code, "ThrottlingException");

    diagnostics nothing;
    json_protocol::parse_error("", "", nothing);
    EXPECT_EQ(nothing.code, "UnknownError");
}

TEST(QueryProtocol, FormEncodingAndErrorResponse) {
    query_protocol::form f("AssumeRole", "2011-06-15");
    f.add("RoleArn", "arn:aws:iam::111122223333:role/shiftsync-connector").add("ExternalId", "a b/c+d");
    EXPECT_EQ(f.body(),
              "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A111122223333%3Arole%2Fshiftsync-"
              "connector&ExternalId=a%20b%2Fc%2Bd");

    diagnostics d;
    ASSERT_TRUE(query_protocol::parse_error(
        R"(<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>not authorized &amp; no</Message></Error><RequestId>abc-123</RequestId></ErrorResponse>)",
        d));
    EXPECT_EQ(d.code, "AccessDenied");
    EXPECT_EQ(d.message, "not authorized & no");
    EXPECT_EQ(d.request_id, "abc-123");
    diagnostics junk;
    EXPECT_FALSE(query_protocol::parse_error("<html/>", junk));
    EXPECT_FALSE(query_protocol::parse_error("not xml at all <", junk));
}

TEST(RestXmlProtocol, S3ErrorsIncludingBodilessAndTwoHundredErrors) {
    diagnostics d;
    rest_xml_protocol::parse_error(
        404, R"(<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Key>a</Key><RequestId>R1</RequestId></Error>)",
        "H1", d);
    EXPECT_EQ(d.code, "NoSuchKey");
    EXPECT_EQ(d.request_id, "R1");
    EXPECT_EQ(d.http_status, 404u);

    diagnostics head;  // HEAD: no body
    rest_xml_protocol::parse_error(404, "", "H2", head);
    EXPECT_EQ(head.code, "NotFound");
    EXPECT_EQ(head.request_id, "H2");

    EXPECT_TRUE(rest_xml_protocol::is_error_document(
        "<?xml version=\"1.0\"?>\n<Error><Code>InternalError</Code><Message>retry</Message></Error>"));
    EXPECT_FALSE(rest_xml_protocol::is_error_document(
        "<?xml version=\"1.0\"?><CompleteMultipartUploadResult><ETag>\"x-2\"</ETag></CompleteMultipartUploadResult>"));
    EXPECT_FALSE(rest_xml_protocol::is_error_document(""));
}

TEST(QueryProtocol, ErrorWrappedInErrors) {
    diagnostics d;
    ASSERT_TRUE(query_protocol::parse_error(
        "<ErrorResponse><Errors><Error><Code>InvalidClientTokenId</Code><Message>bad</Message></Error></Errors></ErrorResponse>", d));
    EXPECT_EQ(d.code, "InvalidClientTokenId");
}
