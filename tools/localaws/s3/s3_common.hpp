#pragma once
// Shared pieces of the S3 handlers: which bucket and key a request names (path-style or
// virtual-hosted), ARNs for IAM, S3's standard errors, and metadata <-> header mapping.

#include "tools/localaws/s3/disk_store.hpp"
#include "tools/localaws/server/request.hpp"

#include <optional>
#include <string>

namespace localaws::s3 {

inline constexpr std::string_view s3_namespace = "http://s3.amazonaws.com/doc/2006-03-01/";

struct target {
    std::string bucket;  // empty: the service (ListBuckets)
    std::string key;     // empty: the bucket
};

// "/bucket/key" (path-style) or Host "bucket.localhost" + "/key" (virtual-hosted).
target target_of(const request_context& ctx);

// The operation name S3 would log for this request (registry::resolve_operation).
std::string resolve_operation(const request_context& ctx);

// The region a request must be signed for (registry::signing_region): the addressed bucket's, as
// S3's regional endpoints want; any region for no bucket or one that does not exist (ListBuckets,
// CreateBucket, and NoSuchBucket answered whatever the region), and for GetBucketLocation.
std::string signing_region(const request_context& ctx);

inline std::string bucket_arn(std::string_view bucket) { return "arn:aws:s3:::" + std::string(bucket); }
inline std::string object_arn(std::string_view bucket, std::string_view key) {
    return "arn:aws:s3:::" + std::string(bucket) + "/" + std::string(key);
}

// The preamble of every operation on an existing bucket, in S3's order: IAM first (a caller without
// access learns nothing about the bucket), then NoSuchBucket. nullopt: go ahead.
std::optional<aws_error> authorize_bucket(const request_context& ctx, const target& t, std::string_view action,
                                          const iam::condition_context& extra = {});
std::optional<aws_error> authorize_object(const request_context& ctx, const target& t, std::string_view action);

// A key that is not there: NoSuchKey, or AccessDenied when the caller may not s3:ListBucket (S3 does
// not reveal whether a key exists to who cannot list the bucket).
aws_error missing_key(const request_context& ctx, const target& t);

aws_error no_such_bucket(std::string_view bucket);
aws_error no_such_key(std::string_view key);
aws_error no_such_upload(std::string_view upload_id);
aws_error invalid_argument(std::string message, std::string name = {}, std::string value = {});
aws_error malformed_xml();
aws_error internal_error();
// The same, with why it happened for localaws's stderr (aws_error::cause).
aws_error internal_error(std::string cause);

// x-amz-meta-*, Content-Encoding, Content-Disposition, Cache-Control, Content-Language, Expires.
object_meta meta_from_request(const request_context& ctx);
void add_object_headers(service_response& r, const stored_object& obj);

// An S3 XML response.
service_response xml_response(std::string body, int status = 200);

}  // namespace localaws::s3
