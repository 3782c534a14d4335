#pragma once
// Streams an S3 upload's body (PutObject, UploadPart) into a sink on the blocking pool while
// computing its MD5 (the ETag) and the additional checksum the client chose, then validates
// Content-MD5 and x-amz-checksum-* (header or aws-chunked trailer) as S3 does: a mismatch is
// BadDigest and the caller must discard what it wrote.

#include "tools/localaws/s3/checksums.hpp"
#include "tools/localaws/server/request.hpp"

#include <functional>

namespace localaws::s3 {

struct received_body {
    std::optional<aws_error> error;
    std::uint64_t size = 0;
    std::string etag;  // quoted MD5 hex
    checksum_algorithm algorithm = checksum_algorithm::none;
    std::string checksum;  // base64, computed
};

// The checksum algorithm the request asks for (x-amz-checksum-*, x-amz-sdk-checksum-algorithm,
// x-amz-trailer), else `fallback`.
checksum_algorithm requested_algorithm(const request_context& ctx, checksum_algorithm fallback);

// `sink` runs on the blocking pool, once per chunk, in order.
boost::asio::awaitable<received_body> receive_body(request_context& ctx, checksum_algorithm algorithm,
                                                   const std::function<std::error_code(std::span<const std::byte>)>& sink);

// Validates a Content-MD5 header against a buffered body (DeleteObjects ...).
std::optional<aws_error> check_content_md5(const request_context& ctx, std::string_view body, bool required);

}  // namespace localaws::s3
