#include "tools/shiftsync/output/byte_size.hpp"
#include "tools/shiftsync/commands/s3_errors.hpp"

#include <gtest/gtest.h>

using shiftsync::cli::format_bytes;
using shiftsync::cli::parse_byte_size;

TEST(parse_byte_size, reads_binary_and_decimal_units_and_plain_bytes) {
    EXPECT_EQ(parse_byte_size("8MiB"), 8u << 20);
    EXPECT_EQ(parse_byte_size("1GiB"), 1u << 30);
    EXPECT_EQ(parse_byte_size("64MB"), 64'000'000u);
    EXPECT_EQ(parse_byte_size("1048576"), 1048576u);
    EXPECT_EQ(parse_byte_size("5B"), 5u);
}

TEST(parse_byte_size, refuses_what_is_not_a_size) {
    EXPECT_FALSE(parse_byte_size(""));
    EXPECT_FALSE(parse_byte_size("MiB"));
    EXPECT_FALSE(parse_byte_size("8 MiB"));
    EXPECT_FALSE(parse_byte_size("8mib"));
    EXPECT_FALSE(parse_byte_size("-1"));
    EXPECT_FALSE(parse_byte_size("99999999999TiB"));
}

TEST(format_bytes, picks_the_largest_whole_unit) {
    EXPECT_EQ(format_bytes(512), "512 B");
    EXPECT_EQ(format_bytes(1536), "1.50 KiB");
    EXPECT_EQ(format_bytes(1ull << 30), "1.00 GiB");
}

TEST(s3_action_for, names_the_permission_each_operation_needs) {
    EXPECT_EQ(shiftsync::cli::s3_action_for("UploadPart"), "s3:PutObject");
    EXPECT_EQ(shiftsync::cli::s3_action_for("ListObjectsV2"), "s3:ListBucket");
    EXPECT_EQ(shiftsync::cli::s3_action_for("ListMultipartUploads"), "s3:ListBucketMultipartUploads");
    EXPECT_EQ(shiftsync::cli::s3_action_for("Nope"), "");
}

TEST(describe_failure, a_refused_head_names_access_denied_and_the_permission) {
    shiftsync::aws::diagnostics diag{.service = "s3", .operation = "HeadObject", .http_status = 403,
                                     .code = "Forbidden"};  // a HEAD answer has no body to read a code from
    auto text = shiftsync::cli::describe_failure(shiftsync::aws::errc::service_error, diag);
    EXPECT_NE(text.find("AccessDenied"), std::string::npos) << text;
    EXPECT_NE(text.find("s3:GetObject"), std::string::npos) << text;
}
