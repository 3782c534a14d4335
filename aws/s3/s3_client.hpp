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

struct put_options {
    std::string content_type;
    bool crc32c = true;       // send x-amz-checksum-crc32c (in-memory bodies only)
    bool content_md5 = false;
};

struct object_head {
    std::uint64_t size = 0;  // the whole object's size (from Content-Range on ranged GETs)
    std::string etag;
    std::string last_modified;
    std::uint64_t bytes_received = 0;  // GET: bytes delivered to the sink
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

    boost::asio::awaitable<boost::system::result<std::string>> async_put_object(
        const std::string& bucket, const std::string& key, http::body_source body, const put_options& options,
        diagnostics& diag);

    boost::asio::awaitable<boost::system::result<object_head>> async_get_object(
        const std::string& bucket, const std::string& key, std::optional<byte_range> range, http::body_sink sink,
        diagnostics& diag, std::string* body_out = nullptr);

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
    boost::asio::awaitable<boost::system::result<std::string>> async_upload_part(
        const std::string& bucket, const std::string& key, const std::string& upload_id, int part_number,
        http::body_source body, diagnostics& diag);
    // A 200 answer with an <Error> body is a failure here (and retried as one).
    boost::asio::awaitable<boost::system::result<std::string>> async_complete_multipart_upload(
        const std::string& bucket, const std::string& key, const std::string& upload_id,
        const std::vector<completed_part>& parts, diagnostics& diag);
    boost::asio::awaitable<boost::system::result<void>> async_abort_multipart_upload(
        const std::string& bucket, const std::string& key, const std::string& upload_id, diagnostics& diag);

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

}  // namespace shiftsync::aws::s3
