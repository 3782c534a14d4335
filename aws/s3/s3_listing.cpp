// S3 ListObjectsV2 and DeleteObjects.
#include "aws/protocol/xml.hpp"
#include "aws/s3/checksums.hpp"
#include "aws/s3/query_params.hpp"
#include "aws/s3/s3_client.hpp"
#include "aws/s3/xml_writer.hpp"
#include "sigv4/uri_encoding.hpp"

#include <charconv>

namespace shiftsync::aws::s3 {
namespace {

constexpr std::size_t delete_batch = 1000;  // S3's limit per DeleteObjects request

}  // namespace

boost::system::result<list_page> parse_list_objects_v2(std::string_view text) {
    pugi::xml_document doc;
    if (!xml::parse(doc, text)) return make_error_code(errc::malformed_response);
    pugi::xml_node root = doc.child("ListBucketResult");
    if (!root) return make_error_code(errc::malformed_response);
    list_page page;
    for (pugi::xml_node c : root.children("Contents")) {
        listed_object o;
        o.key = xml::child_text(c, "Key");
        std::string size = xml::child_text(c, "Size");
        std::from_chars(size.data(), size.data() + size.size(), o.size);
        o.etag = xml::child_text(c, "ETag");
        o.last_modified = xml::child_text(c, "LastModified");
        page.objects.push_back(std::move(o));
    }
    for (pugi::xml_node p : root.children("CommonPrefixes")) page.common_prefixes.push_back(xml::child_text(p, "Prefix"));
    if (xml::child_text(root, "IsTruncated") == "true")
        page.next_continuation_token = xml::child_text(root, "NextContinuationToken");
    return page;
}

std::string delete_objects_body(const std::vector<std::string>& keys, std::size_t first, std::size_t count) {
    std::string body = "<Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Quiet>true</Quiet>";
    for (std::size_t i = first; i < first + count; ++i) {
        body += "<Object><Key>";
        append_xml_escaped(body, keys[i]);
        body += "</Key></Object>";
    }
    body += "</Delete>";
    return body;
}

boost::system::result<std::vector<delete_failure>> parse_delete_objects_result(std::string_view text) {
    pugi::xml_document doc;
    if (!xml::parse(doc, text)) return make_error_code(errc::malformed_response);
    pugi::xml_node root = doc.child("DeleteResult");
    if (!root) return make_error_code(errc::malformed_response);
    std::vector<delete_failure> failures;
    for (pugi::xml_node e : root.children("Error"))
        failures.push_back({xml::child_text(e, "Key"), xml::child_text(e, "Code"), xml::child_text(e, "Message")});
    return failures;
}

boost::asio::awaitable<boost::system::result<list_page>> s3_client::async_list_objects_v2(
    const std::string& bucket, const list_request& request, diagnostics& diag) {
    std::string query;
    add_query_param(query, "list-type", "2");
    if (!request.continuation_token.empty()) add_query_param(query, "continuation-token", request.continuation_token);
    if (!request.delimiter.empty()) add_query_param(query, "delimiter", request.delimiter);
    add_query_param(query, "max-keys", std::to_string(request.max_keys));
    if (!request.prefix.empty()) add_query_param(query, "prefix", request.prefix);
    if (!request.start_after.empty()) add_query_param(query, "start-after", request.start_after);
    auto call = make_call("ListObjectsV2", "GET", bucket, "", std::move(query));
    auto reply = co_await service_.async_call(std::move(call), diag);
    if (!reply) co_return reply.error();
    auto page = parse_list_objects_v2(reply->body);
    if (!page) diag.client_note = "ListObjectsV2 answered with a document that is not a ListBucketResult";
    co_return page;
}

boost::asio::awaitable<boost::system::result<std::vector<delete_failure>>> s3_client::async_delete_objects(
    const std::string& bucket, const std::vector<std::string>& keys, diagnostics& diag) {
    std::vector<delete_failure> failures;
    for (std::size_t first = 0; first < keys.size(); first += delete_batch) {
        std::size_t count = std::min(delete_batch, keys.size() - first);
        std::string body = delete_objects_body(keys, first, count);
        service_call call = make_call("DeleteObjects", "POST", bucket, "", "delete=");
        call.headers.add("Content-Type", "application/xml");
        call.headers.add("Content-MD5", content_md5(body));  // S3 refuses DeleteObjects without it
        call.body = http::buffer_source::from(std::move(body));
        auto reply = co_await service_.async_call(std::move(call), diag);
        if (!reply) co_return reply.error();
        auto batch = parse_delete_objects_result(reply->body);
        if (!batch) co_return batch.error();
        failures.insert(failures.end(), batch->begin(), batch->end());
    }
    co_return failures;
}

}  // namespace shiftsync::aws::s3

namespace shiftsync::aws::s3 {

boost::system::result<object_attributes> parse_object_attributes(std::string_view text, int& next_marker) {
    pugi::xml_document doc;
    if (!xml::parse(doc, text)) return make_error_code(errc::malformed_response);
    pugi::xml_node root = doc.document_element();  // GetObjectAttributesResponse (AWS) or ...Output
    object_attributes out;
    auto number = [](const std::string& digits, auto& value) {
        std::from_chars(digits.data(), digits.data() + digits.size(), value);
    };
    std::string etag = xml::child_text(root, "ETag");
    if (!etag.empty()) out.etag = etag.front() == '"' ? etag : "\"" + etag + "\"";
    number(xml::child_text(root, "ObjectSize"), out.size);
    if (pugi::xml_node sum = root.child("Checksum")) {
        out.checksum_crc32c = xml::child_text(sum, "ChecksumCRC32C");
        out.checksum_type = xml::child_text(sum, "ChecksumType");
    }
    next_marker = 0;
    if (pugi::xml_node parts = root.child("ObjectParts")) {
        number(xml::child_text(parts, "PartsCount"), out.parts_count);
        for (pugi::xml_node p : parts.children("Part")) {
            object_part part;
            number(xml::child_text(p, "PartNumber"), part.number);
            number(xml::child_text(p, "Size"), part.size);
            part.checksum_crc32c = xml::child_text(p, "ChecksumCRC32C");
            out.parts.push_back(std::move(part));
        }
        if (xml::child_text(parts, "IsTruncated") == "true")
            number(xml::child_text(parts, "NextPartNumberMarker"), next_marker);
    }
    return out;
}

boost::asio::awaitable<boost::system::result<object_attributes>> s3_client::async_get_object_attributes(
    const std::string& bucket, const std::string& key, diagnostics& diag) {
    object_attributes all;
    int marker = 0;
    do {
        service_call call = make_call("GetObjectAttributes", "GET", bucket, key, "attributes=");
        call.headers.add("x-amz-object-attributes", "ETag,Checksum,ObjectParts,ObjectSize");
        call.headers.add("x-amz-max-parts", "1000");
        if (marker > 0) call.headers.add("x-amz-part-number-marker", std::to_string(marker));
        call.options.priority = engine::priority::control;
        auto reply = co_await service_.async_call(std::move(call), diag);
        if (!reply) co_return reply.error();
        int next = 0;
        auto page = parse_object_attributes(reply->body, next);
        if (!page) co_return page.error();
        if (marker == 0) {
            all = std::move(*page);
        } else {
            for (auto& p : page->parts) all.parts.push_back(std::move(p));
        }
        if (next != 0 && next <= marker) co_return make_error_code(errc::malformed_response);  // no progress
        marker = next;
    } while (marker != 0);
    co_return all;
}

}  // namespace shiftsync::aws::s3
