// S3 multipart uploads: Create, UploadPart, Complete (with its 200-that-is-an-error), Abort.
#include "aws/protocol/xml.hpp"
#include "aws/s3/query_params.hpp"
#include "aws/s3/s3_client.hpp"
#include "aws/s3/xml_writer.hpp"
#include "sigv4/signer.hpp"
#include "sigv4/uri_encoding.hpp"

namespace shiftsync::aws::s3 {
namespace {

std::string upload_query(const std::string& upload_id, int part_number = 0) {
    std::string query;
    if (part_number > 0) query = "partNumber=" + std::to_string(part_number) + "&";
    query += "uploadId=";
    sigv4::append_uri_encoded(query, upload_id);
    return query;
}

}  // namespace

std::string complete_multipart_body(const std::vector<completed_part>& parts) {
    std::string body = "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">";
    for (const auto& p : parts) {
        body += "<Part><PartNumber>" + std::to_string(p.part_number) + "</PartNumber><ETag>";
        append_xml_escaped(body, p.etag);
        body += "</ETag>";
        if (!p.checksum_crc32c.empty()) body += "<ChecksumCRC32C>" + p.checksum_crc32c + "</ChecksumCRC32C>";
        body += "</Part>";
    }
    body += "</CompleteMultipartUpload>";
    return body;
}

boost::asio::awaitable<boost::system::result<std::string>> s3_client::async_create_multipart_upload(
    const std::string& bucket, const std::string& key, diagnostics& diag) {
    multipart_options plain{.crc32c = false};
    co_return co_await async_create_multipart_upload(bucket, key, plain, diag);
}

boost::asio::awaitable<boost::system::result<std::string>> s3_client::async_create_multipart_upload(
    const std::string& bucket, const std::string& key, const multipart_options& options, diagnostics& diag) {
    service_call call = make_call("CreateMultipartUpload", "POST", bucket, key, "uploads=");
    if (!options.content_type.empty()) call.headers.add("Content-Type", options.content_type);
    for (const auto& [name, value] : options.metadata) call.headers.add("x-amz-meta-" + name, value);
    if (options.crc32c) call.headers.add("x-amz-checksum-algorithm", "CRC32C");
    call.options.priority = engine::priority::control;
    auto reply = co_await service_.async_call(std::move(call), diag);
    if (!reply) co_return reply.error();
    pugi::xml_document doc;
    std::string upload_id;
    if (xml::parse(doc, reply->body)) upload_id = xml::child_text(doc.document_element(), "UploadId");
    if (upload_id.empty()) co_return make_error_code(errc::malformed_response);
    co_return upload_id;
}

boost::asio::awaitable<boost::system::result<std::string>> s3_client::async_upload_part(
    const std::string& bucket, const std::string& key, const std::string& upload_id, int part_number,
    http::body_source body, diagnostics& diag) {
    const std::string no_checksum;
    co_return co_await async_upload_part(bucket, key, upload_id, part_number, std::move(body), no_checksum, diag);
}

boost::asio::awaitable<boost::system::result<std::string>> s3_client::async_upload_part(
    const std::string& bucket, const std::string& key, const std::string& upload_id, int part_number,
    http::body_source body, const std::string& crc32c_base64, diagnostics& diag) {
    service_call call = make_call("UploadPart", "PUT", bucket, key, upload_query(upload_id, part_number));
    if (!crc32c_base64.empty()) {
        call.headers.add("x-amz-checksum-crc32c", crc32c_base64);
        call.payload_hash = std::string(sigv4::unsigned_payload);
    }
    call.body = std::move(body);
    call.options.priority = engine::priority::bulk;
    auto reply = co_await service_.async_call(std::move(call), diag);
    if (!reply) co_return reply.error();
    const auto* etag = reply->headers.find("ETag");
    if (!etag) co_return make_error_code(errc::malformed_response);
    co_return *etag;
}

boost::asio::awaitable<boost::system::result<std::string>> s3_client::async_complete_multipart_upload(
    const std::string& bucket, const std::string& key, const std::string& upload_id,
    const std::vector<completed_part>& parts, diagnostics& diag) {
    service_call call = make_call("CompleteMultipartUpload", "POST", bucket, key, upload_query(upload_id));
    call.headers.add("Content-Type", "application/xml");
    call.body = http::buffer_source::from(complete_multipart_body(parts));
    call.options.priority = engine::priority::control;
    auto reply = co_await service_.async_call(std::move(call), diag);
    if (!reply) co_return reply.error();
    pugi::xml_document doc;
    std::string etag;
    // AWS's root is CompleteMultipartUploadResult; read the ETag under whatever root a compatible
    // server uses (moto says CompleteMultipartUploadResponse), as the SDKs do.
    if (xml::parse(doc, reply->body)) etag = xml::child_text(doc.document_element(), "ETag");
    if (etag.empty()) {
        diag.client_note = "CompleteMultipartUpload answered without an ETag: " + reply->body.substr(0, 300);
        co_return make_error_code(errc::malformed_response);
    }
    co_return etag;
}

boost::asio::awaitable<boost::system::result<void>> s3_client::async_abort_multipart_upload(
    const std::string& bucket, const std::string& key, const std::string& upload_id, diagnostics& diag) {
    auto call = make_call("AbortMultipartUpload", "DELETE", bucket, key, upload_query(upload_id));
    auto reply = co_await service_.async_call(std::move(call), diag);
    if (!reply) co_return reply.error();
    co_return boost::system::result<void>{};
}

boost::system::result<multipart_uploads_page> parse_list_multipart_uploads(std::string_view text) {
    pugi::xml_document doc;
    if (!xml::parse(doc, text)) return make_error_code(errc::malformed_response);
    pugi::xml_node root = doc.child("ListMultipartUploadsResult");
    if (!root) return make_error_code(errc::malformed_response);
    multipart_uploads_page page;
    for (pugi::xml_node u : root.children("Upload"))
        page.uploads.push_back({xml::child_text(u, "Key"), xml::child_text(u, "UploadId"), xml::child_text(u, "Initiated")});
    if (xml::child_text(root, "IsTruncated") == "true") {
        page.next_key_marker = xml::child_text(root, "NextKeyMarker");
        page.next_upload_id_marker = xml::child_text(root, "NextUploadIdMarker");
    }
    return page;
}

boost::asio::awaitable<boost::system::result<multipart_uploads_page>> s3_client::async_list_multipart_uploads(
    const std::string& bucket, const std::string& prefix, const std::string& key_marker,
    const std::string& upload_id_marker, diagnostics& diag) {
    // Query parameters in canonical (sorted) order, as sent.
    std::string query;
    if (!key_marker.empty()) add_query_param(query, "key-marker", key_marker);
    if (!prefix.empty()) add_query_param(query, "prefix", prefix);
    if (!upload_id_marker.empty()) add_query_param(query, "upload-id-marker", upload_id_marker);
    add_query_param(query, "uploads", "");
    service_call call = make_call("ListMultipartUploads", "GET", bucket, "", std::move(query));
    call.options.priority = engine::priority::control;
    auto reply = co_await service_.async_call(std::move(call), diag);
    if (!reply) co_return reply.error();
    co_return parse_list_multipart_uploads(reply->body);
}

}  // namespace shiftsync::aws::s3
