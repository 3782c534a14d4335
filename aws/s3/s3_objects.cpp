// S3 single-object operations: PutObject, GetObject (ranged, to any sink), HeadObject, DeleteObject.
#include "aws/s3/checksums.hpp"
#include "aws/s3/s3_client.hpp"

#include "sigv4/signer.hpp"

#include <charconv>

namespace shiftsync::aws::s3 {

service_call s3_client::make_call(std::string operation, std::string method, const std::string& bucket,
                                  const std::string& key, std::string query) const {
    const endpoints::endpoint& ep = service_.target().endpoint;
    auto address = endpoints::address_s3(ep, bucket, key, force_path_style_);
    service_call call;
    call.operation = std::move(operation);
    call.method = std::move(method);
    // The endpoint's base path is added by service_client; address_s3 already included it.
    call.path = address.path.substr(ep.base_path.size());
    call.query = std::move(query);
    if (!endpoints::uses_path_style(ep, bucket, force_path_style_)) call.host = bucket + "." + ep.host;
    return call;
}

std::optional<std::uint64_t> total_from_content_range(std::string_view content_range) {
    auto slash = content_range.rfind('/');
    if (slash == std::string_view::npos) return std::nullopt;
    std::string_view total = content_range.substr(slash + 1);
    std::uint64_t value = 0;
    auto [end, ec] = std::from_chars(total.data(), total.data() + total.size(), value);
    if (ec != std::errc{} || end != total.data() + total.size()) return std::nullopt;
    return value;
}

namespace {

object_head head_from(const http::response& r) {
    object_head out;
    if (const auto* v = r.headers.find("ETag")) out.etag = *v;
    if (const auto* v = r.headers.find("Last-Modified")) out.last_modified = *v;
    if (const auto* v = r.headers.find("Content-Type")) out.content_type = *v;
    if (const auto* v = r.headers.find("x-amz-checksum-crc32c")) out.checksum_crc32c = *v;
    if (const auto* v = r.headers.find("x-amz-checksum-type")) out.checksum_type = *v;
    if (const auto* range = r.headers.find("Content-Range")) {
        out.size = total_from_content_range(*range).value_or(0);
    } else if (const auto* length = r.headers.find("Content-Length")) {
        std::from_chars(length->data(), length->data() + length->size(), out.size);
    }
    out.bytes_received = r.body_bytes;
    return out;
}

void add_metadata(service_call& call, const object_metadata& metadata) {
    for (const auto& [name, value] : metadata) call.headers.add("x-amz-meta-" + name, value);
}

}  // namespace

boost::asio::awaitable<boost::system::result<std::string>> s3_client::async_put_object(
    const std::string& bucket, const std::string& key, http::body_source body, const put_options& options,
    diagnostics& diag) {
    service_call call = make_call("PutObject", "PUT", bucket, key);
    if (!options.content_type.empty()) call.headers.add("Content-Type", options.content_type);
    add_metadata(call, options.metadata);
    if (!options.precomputed_crc32c.empty()) {
        call.headers.add("x-amz-checksum-crc32c", options.precomputed_crc32c);
        call.payload_hash = std::string(sigv4::unsigned_payload);
    } else if (const auto* buffer = std::get_if<http::buffer_source>(&body); buffer && buffer->bytes) {
        if (options.crc32c) call.headers.add("x-amz-checksum-crc32c", crc32c().update(*buffer->bytes).base64());
        if (options.content_md5) call.headers.add("Content-MD5", content_md5(*buffer->bytes));
    }
    call.body = std::move(body);
    auto reply = co_await service_.async_call(std::move(call), diag);
    if (!reply) co_return reply.error();
    const auto* etag = reply->headers.find("ETag");
    co_return etag ? *etag : std::string();
}

boost::asio::awaitable<boost::system::result<object_head>> s3_client::async_get_object(
    const std::string& bucket, const std::string& key, std::optional<byte_range> range, http::body_sink sink,
    diagnostics& diag, std::string* body_out) {
    service_call call = make_call("GetObject", "GET", bucket, key);
    if (range) call.headers.add("Range", "bytes=" + std::to_string(range->first) + "-" + std::to_string(range->last));
    call.options.sink = std::move(sink);
    call.options.priority = engine::priority::bulk;
    auto reply = co_await service_.async_call(std::move(call), diag);
    if (!reply) co_return reply.error();
    object_head head = head_from(*reply);
    if (body_out) *body_out = std::move(reply->body);
    co_return head;
}

boost::asio::awaitable<boost::system::result<object_head>> s3_client::async_get_object(
    const std::string& bucket, const std::string& key, const get_options& options, http::body_sink sink,
    diagnostics& diag) {
    service_call call = make_call("GetObject", "GET", bucket, key);
    if (options.range)
        call.headers.add("Range", "bytes=" + std::to_string(options.range->first) + "-" +
                                      std::to_string(options.range->last));
    if (!options.if_match.empty()) call.headers.add("If-Match", options.if_match);
    if (options.checksum_mode) call.headers.add("x-amz-checksum-mode", "ENABLED");
    call.options.sink = std::move(sink);
    call.options.priority = engine::priority::bulk;
    auto reply = co_await service_.async_call(std::move(call), diag);
    if (!reply) co_return reply.error();
    co_return head_from(*reply);
}

boost::asio::awaitable<boost::system::result<object_head>> s3_client::async_head_object(const std::string& bucket,
                                                                                       const std::string& key,
                                                                                       diagnostics& diag) {
    service_call call = make_call("HeadObject", "HEAD", bucket, key);
    call.options.sink = http::discard_sink{};
    auto reply = co_await service_.async_call(std::move(call), diag);
    if (!reply) co_return reply.error();
    co_return head_from(*reply);
}

boost::asio::awaitable<boost::system::result<void>> s3_client::async_delete_object(const std::string& bucket,
                                                                                  const std::string& key,
                                                                                  diagnostics& diag) {
    auto call = make_call("DeleteObject", "DELETE", bucket, key);
    auto reply = co_await service_.async_call(std::move(call), diag);
    if (!reply) co_return reply.error();
    co_return boost::system::result<void>{};
}

}  // namespace shiftsync::aws::s3
