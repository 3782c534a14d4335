#include "aws/error/aws_error.hpp"
#include "aws/error/retry_classification.hpp"

#include <gtest/gtest.h>

using namespace shiftsync::aws;

TEST(RetryClassification, FollowsTheSdkStandardMode) {
    EXPECT_EQ(classify_aws_error(0, ""), retry_kind::transient);  // no response at all
    EXPECT_EQ(classify_aws_error(400, "ThrottlingException"), retry_kind::throttling);
    EXPECT_EQ(classify_aws_error(503, "SlowDown"), retry_kind::throttling);
    EXPECT_EQ(classify_aws_error(429, ""), retry_kind::throttling);
    EXPECT_EQ(classify_aws_error(400, "ActiveStatementsExceededException"), retry_kind::throttling);
    EXPECT_EQ(classify_aws_error(500, "InternalError"), retry_kind::transient);
    EXPECT_EQ(classify_aws_error(200, "InternalError"), retry_kind::transient);  // CompleteMultipartUpload's 200+Error
    EXPECT_EQ(classify_aws_error(502, ""), retry_kind::transient);
    EXPECT_EQ(classify_aws_error(400, "RequestTimeout"), retry_kind::transient);
    EXPECT_EQ(classify_aws_error(400, "ExpiredToken"), retry_kind::refresh_credentials);
    EXPECT_EQ(classify_aws_error(403, "AccessDenied"), retry_kind::none);
    EXPECT_EQ(classify_aws_error(400, "ValidationException"), retry_kind::none);
    EXPECT_EQ(classify_aws_error(404, "NoSuchKey"), retry_kind::none);
}

TEST(AwsError, CodesMapToMeaningfulErrors) {
    EXPECT_EQ(errc_for_aws_code("AccessDeniedException", 400), errc::access_denied);
    EXPECT_EQ(errc_for_aws_code("ExpiredToken", 403), errc::expired_credentials);
    EXPECT_EQ(errc_for_aws_code("SignatureDoesNotMatch", 403), errc::invalid_credentials);
    EXPECT_EQ(errc_for_aws_code("", 404), errc::not_found);
    EXPECT_EQ(errc_for_aws_code("ValidationException", 400), errc::service_error);
    boost::system::error_code ec = errc::access_denied;
    EXPECT_EQ(ec.category().name(), std::string("shiftsync.aws"));
    EXPECT_NE(ec.message().find("permission"), std::string::npos);
}

TEST(AwsError, DiagnosticsSayWhatFailedAndWhere) {
    diagnostics d{.service = "sts", .operation = "AssumeRole", .http_status = 403, .code = "AccessDenied",
                  .message = "User is not authorized to perform: sts:AssumeRole", .request_id = "req-1",
                  .client_note = "An ExternalId was sent"};
    EXPECT_EQ(d.to_string(),
              "sts AssumeRole failed: HTTP 403 AccessDenied: User is not authorized to perform: sts:AssumeRole "
              "(request id req-1). An ExternalId was sent");
}
