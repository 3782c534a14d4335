// S3 multipart uploads: Create, UploadPart, Complete (with its 200-that-is-an-error), Abort.
#include "aws/protocol/xml.hpp"
#include "aws/s3/s3_client.hpp"
#include "aws/s3/xml_writer.hpp"
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
        body += "</ETag></Part>";
    }
    body += "</CompleteMultipartUpload>";
    return body;
}

boost::asio::awaitable<boost::system::result<std::string>> s3_client::async_create_multipart_upload(
    const std::string& bucket, const std::string& key, diagnostics& diag) {
    service_call call = make_call("CreateMultipartUpload", "POST", bucket, key, "uploads=");
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
    service_call call = make_call("UploadPart", "PUT", bucket, key, upload_query(upload_id, part_number));
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
    auto reply = co_await service_.async_call(make_call("AbortMultipartUpload", "DELETE", bucket, key, upload_query(upload_id)),
                                              diag);
    if (!reply) co_return reply.error();
    co_return boost::system::result<void>{};
}

}  // namespace shiftsync::aws::s3
