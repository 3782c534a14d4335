#pragma once
// The XML bodies S3 requests carry, read into plain data without I/O (so they can be tested and
// fuzzed without a server): DeleteObjects' <Delete> and CompleteMultipartUpload's part list.
// CreateBucket's <CreateBucketConfiguration> is not read: localaws has one region, and S3 itself
// only checks the LocationConstraint against it. nullopt means S3's MalformedXML.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace localaws::s3 {

struct delete_request {
    bool quiet = false;             // <Quiet>true</Quiet>: report only the failures
    std::vector<std::string> keys;  // 1 to 1000, in the order sent
};

std::optional<delete_request> parse_delete_objects(std::string_view body);

struct requested_part {
    int number = 0;
    std::string etag;      // as the client sent it (quotes optional)
    std::string checksum;  // base64, optional
};

// The <Part>s of <CompleteMultipartUpload>, in the order sent (their order and existence are the
// multipart store's to check).
std::optional<std::vector<requested_part>> parse_complete_multipart(std::string_view body);

}  // namespace localaws::s3
