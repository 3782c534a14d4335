#pragma once
// Amazon S3 (REST-XML): the object, listing and multipart operations the transfer engine stages and
// fetches data with. One awaitable per operation on service_client; every body streams through the
// engine's sources and sinks, never whole in memory unless the caller hands a buffer.
//
// Permissions: the documented staging policy grants s3:PutObject, GetObject, GetObjectAttributes,
// ListBucket and DeleteObject — not s3:AbortMultipartUpload; callers must expect AccessDenied from
// async_abort_multipart_upload and say so (see transfer/).

#include "aws/client/service_client.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace shiftsync::aws::s3 {

namespace http = engine::http;

struct byte_range {
    std::uint64_t first = 0;
    std::uint64_t last = 0;  // inclusive, as in "Range: bytes=first-last"
};

// User metadata, sent as x-amz-meta-<name> headers (names are lower-cased by S3).
using object_metadata = std::vector<std::pair<std::string, std::string>>;

struct put_options {
    std::string content_type;
    bool crc32c = true;       // send x-amz-checksum-crc32c (in-memory bodies only)
    bool content_md5 = false;
    object_metadata metadata;
    // The body's CRC32C, already computed (base64, as the header wants it), e.g. on a CPU pool
    // while the part was read. When set, it is sent as x-amz-checksum-crc32c and the payload is
    // signed as UNSIGNED-PAYLOAD: the checksum, which S3 verifies, is the integrity check, and the
    // network thread never hashes a bulk body with SHA-256.
    std::string precomputed_crc32c;
};

// CreateMultipartUpload: what the finished object carries.
struct multipart_options {
    std::string content_type;
    object_metadata metadata;
    bool crc32c = true;  // x-amz-checksum-algorithm: CRC32C; every part must then carry its CRC32C
};

struct get_options {
    std::optional<byte_range> range;
    std::string if_match;         // an ETag: S3 answers 412 PreconditionFailed once the object changed
    bool checksum_mode = false;   // x-amz-checksum-mode: ENABLED (S3 returns stored checksums on whole GETs)
};

struct object_head {
    std::uint64_t size = 0;  // the whole object's size (from Content-Range on ranged GETs)
    std::string etag;
    std::string last_modified;
    std::uint64_t bytes_received = 0;  // GET: bytes delivered to the sink
    std::string content_type;
    std::string checksum_crc32c;       // x-amz-checksum-crc32c, when S3 returned it
    std::string checksum_type;         // FULL_OBJECT or COMPOSITE
};

// GetObjectAttributes (a permission the staging policy grants): size, ETag, checksum and, for a
// multipart object uploaded with checksums, every part's size and checksum.
struct object_part {
    int number = 0;
    std::uint64_t size = 0;
    std::string checksum_crc32c;
};
struct object_attributes {
    std::uint64_t size = 0;
    std::string etag;  // quoted, as GET returns it
    std::string checksum_crc32c;
    std::string checksum_type;
    int parts_count = 0;  // 0: not multipart (or parts not reported)
    std::vector<object_part> parts;
};

struct incomplete_upload {
    std::string key;
    std::string upload_id;
    std::string initiated;
};
struct multipart_uploads_page {
    std::vector<incomplete_upload> uploads;
    std::string next_key_marker;        // both empty on the last page
    std::string next_upload_id_marker;
};

struct listed_object {
    std::string key;
    std::uint64_t size = 0;
    std::string etag;
    std::string last_modified;
};

struct list_request {
    std::string prefix;
    std::string delimiter;
    std::string continuation_token;
    std::string start_after;
    int max_keys = 1000;
};

struct list_page {
    std::vector<listed_object> objects;
    std::vector<std::string> common_prefixes;
    std::string next_continuation_token;  // empty on the last page
};

struct completed_part {
    int part_number = 0;
    std::string etag;
    std::string checksum_crc32c;  // required by S3 when the upload was created with CRC32C
};

struct delete_failure {
    std::string key;
    std::string code;
    std::string message;
};

class s3_client {
public:
    explicit s3_client(service_client& service, bool force_path_style = false)
        : service_(service), force_path_style_(force_path_style) {}

    // The region requests are signed for.
    const std::string& region() const { return service_.target().region; }

    boost::asio::awaitable<boost::system::result<std::string>> async_put_object(
        const std::string& bucket, const std::string& key, http::body_source body, const put_options& options,
        diagnostics& diag);

    boost::asio::awaitable<boost::system::result<object_head>> async_get_object(
        const std::string& bucket, const std::string& key, std::optional<byte_range> range, http::body_sink sink,
        diagnostics& diag, std::string* body_out = nullptr);

    // With conditions and checksum mode. An object changed since `if_match` was seen fails with
    // errc::service_error and diag.code "PreconditionFailed".
    boost::asio::awaitable<boost::system::result<object_head>> async_get_object(
        const std::string& bucket, const std::string& key, const get_options& options, http::body_sink sink,
        diagnostics& diag);

    // Every page of parts, gathered (a 10,000-part object is ten calls).
    boost::asio::awaitable<boost::system::result<object_attributes>> async_get_object_attributes(
        const std::string& bucket, const std::string& key, diagnostics& diag);

    boost::asio::awaitable<boost::system::result<object_head>> async_head_object(const std::string& bucket,
                                                                                const std::string& key,
                                                                                diagnostics& diag);

    boost::asio::awaitable<boost::system::result<list_page>> async_list_objects_v2(const std::string& bucket,
                                                                                  const list_request& request,
                                                                                  diagnostics& diag);

    boost::asio::awaitable<boost::system::result<void>> async_delete_object(const std::string& bucket,
                                                                           const std::string& key,
                                                                           diagnostics& diag);

    // Deletes in batches of 1,000 (DeleteObjects, quiet mode, Content-MD5); returns the keys S3 could
    // not delete, with its reasons.
    boost::asio::awaitable<boost::system::result<std::vector<delete_failure>>> async_delete_objects(
        const std::string& bucket, const std::vector<std::string>& keys, diagnostics& diag);

    boost::asio::awaitable<boost::system::result<std::string>> async_create_multipart_upload(
        const std::string& bucket, const std::string& key, diagnostics& diag);
    boost::asio::awaitable<boost::system::result<std::string>> async_create_multipart_upload(
        const std::string& bucket, const std::string& key, const multipart_options& options, diagnostics& diag);
    boost::asio::awaitable<boost::system::result<std::string>> async_upload_part(
        const std::string& bucket, const std::string& key, const std::string& upload_id, int part_number,
        http::body_source body, diagnostics& diag);
    // With the part's CRC32C (base64), sent as x-amz-checksum-crc32c; the payload is then signed
    // UNSIGNED-PAYLOAD (see put_options::precomputed_crc32c).
    boost::asio::awaitable<boost::system::result<std::string>> async_upload_part(
        const std::string& bucket, const std::string& key, const std::string& upload_id, int part_number,
        http::body_source body, const std::string& crc32c_base64, diagnostics& diag);
    // A 200 answer with an <Error> body is a failure here (and retried as one).
    boost::asio::awaitable<boost::system::result<std::string>> async_complete_multipart_upload(
        const std::string& bucket, const std::string& key, const std::string& upload_id,
        const std::vector<completed_part>& parts, diagnostics& diag);
    boost::asio::awaitable<boost::system::result<void>> async_abort_multipart_upload(
        const std::string& bucket, const std::string& key, const std::string& upload_id, diagnostics& diag);

    // One page of the bucket's incomplete uploads under `prefix` (needs s3:ListBucketMultipartUploads,
    // which the staging policy does not grant).
    boost::asio::awaitable<boost::system::result<multipart_uploads_page>> async_list_multipart_uploads(
        const std::string& bucket, const std::string& prefix, const std::string& key_marker,
        const std::string& upload_id_marker, diagnostics& diag);

private:
    service_call make_call(std::string operation, std::string method, const std::string& bucket,
                           const std::string& key, std::string query = {}) const;

    service_client& service_;
    bool force_path_style_;
};

// Sans-IO pieces, exposed for tests.
boost::system::result<list_page> parse_list_objects_v2(std::string_view xml);
std::string complete_multipart_body(const std::vector<completed_part>& parts);
std::string delete_objects_body(const std::vector<std::string>& keys, std::size_t first, std::size_t count);
boost::system::result<std::vector<delete_failure>> parse_delete_objects_result(std::string_view xml);
// "bytes 0-99/1234" -> 1234
std::optional<std::uint64_t> total_from_content_range(std::string_view content_range);
// One page of GetObjectAttributes; `next_marker` is set while parts remain.
boost::system::result<object_attributes> parse_object_attributes(std::string_view xml, int& next_marker);
boost::system::result<multipart_uploads_page> parse_list_multipart_uploads(std::string_view xml);

}  // namespace shiftsync::aws::s3
