// Multipart uploads: Create, UploadPart, Complete, Abort, ListParts, ListMultipartUploads.
// IAM: s3:PutObject covers create, parts and completion; abort needs s3:AbortMultipartUpload, listing
// parts s3:ListMultipartUploadParts, listing uploads s3:ListBucketMultipartUploads — as in AWS.
#include "tools/localaws/s3/checksums.hpp"
#include "tools/localaws/s3/multipart_store.hpp"
#include "tools/localaws/s3/s3_common.hpp"
#include "tools/localaws/s3/s3_handlers.hpp"
#include "tools/localaws/s3/upload_body.hpp"
#include "tools/localaws/server/app.hpp"
#include "tools/localaws/server/blocking.hpp"
#include "tools/localaws/server/http_util.hpp"
#include "tools/localaws/server/xml_writer.hpp"

#include <charconv>

namespace localaws::s3 {
namespace asio = boost::asio;
namespace {

std::string upload_id_of(const request_context& ctx) {
    const auto* id = ctx.query_param("uploadId");
    return id ? *id : std::string{};
}

}  // namespace

asio::awaitable<service_response> create_multipart_upload(request_context& ctx) {
    app& a = ctx.application;
    auto t = target_of(ctx);
    if (auto refused = authorize_object(ctx, t, "s3:PutObject")) co_return service_response::from_error(*refused);
    object_meta meta = meta_from_request(ctx);
    if (auto alg_name = ctx.headers.get("x-amz-checksum-algorithm"); !alg_name.empty()) {
        auto alg = parse_checksum_algorithm(alg_name);
        if (!alg) co_return service_response::from_error(invalid_argument("Checksum algorithm provided is unsupported.", "x-amz-checksum-algorithm", std::string(alg_name)));
        meta.checksum_algorithm = algorithm_name(*alg);
        meta.checksum_type = "COMPOSITE";
    }
    std::string initiator = ctx.principal.arn;
    std::error_code ec;
    auto create_upload = [&] { return a.uploads().create(t.bucket, t.key, meta, initiator, ec); };
    auto upload = co_await offload(a.blocking_pool(), create_upload);
    if (!upload) co_return service_response::from_error(internal_error("cannot create the upload: " + ec.message()));
    xml_writer x;
    x.open("InitiateMultipartUploadResult", s3_namespace)
        .element("Bucket", t.bucket)
        .element("Key", t.key)
        .element("UploadId", upload->upload_id)
        .close("InitiateMultipartUploadResult");
    auto r = xml_response(x.take());
    if (!meta.checksum_algorithm.empty()) {
        r.add_header("x-amz-checksum-algorithm", meta.checksum_algorithm);
        r.add_header("x-amz-checksum-type", meta.checksum_type);
    }
    co_return r;
}

asio::awaitable<service_response> upload_part(request_context& ctx) {
    app& a = ctx.application;
    auto t = target_of(ctx);
    if (auto refused = authorize_object(ctx, t, "s3:PutObject")) co_return service_response::from_error(*refused);
    int number = 0;
    const auto* pn = ctx.query_param("partNumber");
    if (!pn || std::from_chars(pn->data(), pn->data() + pn->size(), number).ec != std::errc{} || number < 1 || number > 10000)
        co_return service_response::from_error(invalid_argument("Part number must be an integer between 1 and 10000, inclusive",
                                                                "partNumber", pn ? *pn : ""));
    std::string id = upload_id_of(ctx);
    auto find_upload = [&a, t, id] { return a.uploads().find(t.bucket, id); };
    auto upload = co_await offload(a.blocking_pool(), find_upload);
    if (!upload || upload->key != t.key) co_return service_response::from_error(no_such_upload(id));
    std::error_code ec;
    auto open_part = [&] { return std::shared_ptr<part_writer>(a.uploads().create_part(*upload, number, ec)); };
    auto writer = co_await offload(a.blocking_pool(), open_part);
    if (!writer) co_return service_response::from_error(internal_error("cannot create the part: " + ec.message()));
    auto upload_alg = parse_checksum_algorithm(upload->meta.checksum_algorithm).value_or(checksum_algorithm::none);
    auto alg = requested_algorithm(ctx, upload_alg);
    if (upload_alg != checksum_algorithm::none && alg != upload_alg)
        co_return service_response::from_error(invalid_argument("Checksum Type mismatch occurred, expected checksum Type: " +
                                                                std::string(algorithm_name(upload_alg))));
    std::function<std::error_code(std::span<const std::byte>)> write_to_part =
        [writer](std::span<const std::byte> d) { return writer->write(d); };
    auto body = co_await receive_body(ctx, alg, write_to_part);
    if (body.error) co_return service_response::from_error(*body.error);
    std::string checksum = upload_alg != checksum_algorithm::none ? body.checksum : std::string{};
    auto commit_part = [writer, number, etag = body.etag, checksum] {
        return writer->commit(number, etag, checksum);
    };
    auto commit_ec = co_await offload(a.blocking_pool(), commit_part);
    if (commit_ec)
        co_return service_response::from_error(internal_error("cannot commit the part: " + commit_ec.message()));
    service_response r;
    r.add_header("ETag", body.etag);
    if (alg != checksum_algorithm::none) r.add_header(std::string(checksum_header(alg)), body.checksum);
    co_return r;
}

asio::awaitable<service_response> complete_multipart_upload(request_context& ctx) {
    app& a = ctx.application;
    auto t = target_of(ctx);
    if (auto refused = authorize_object(ctx, t, "s3:PutObject")) co_return service_response::from_error(*refused);
    std::string id = upload_id_of(ctx);
    auto requested = parse_complete_multipart(ctx.body);
    if (!requested) co_return service_response::from_error(malformed_xml());
    std::vector<requested_part> parts = std::move(*requested);
    struct completion {
        complete_error error = complete_error::no_such_upload;
        stored_object object;
        std::string detail;
    };
    auto complete_upload = [&a, t, id, parts] {
        completion c;
        auto upload = a.uploads().find(t.bucket, id);
        if (!upload || upload->key != t.key) return c;
        c.error = a.uploads().complete(*upload, parts, c.object, c.detail);
        return c;
    };
    auto done = co_await offload(a.blocking_pool(), complete_upload);
    switch (done.error) {
    case complete_error::none: break;
    case complete_error::no_such_upload: co_return service_response::from_error(no_such_upload(id));
    case complete_error::invalid_part: co_return service_response::from_error({400, "InvalidPart", done.detail, {}, true});
    case complete_error::invalid_part_order:
        co_return service_response::from_error({400, "InvalidPartOrder",
                                                "The list of parts was not in ascending order. The parts list must be "
                                                "specified in order by part number.", {}, true});
    case complete_error::entity_too_small: co_return service_response::from_error({400, "EntityTooSmall", done.detail, {}, true});
    case complete_error::io:
        co_return service_response::from_error(internal_error("cannot complete the upload: " + done.detail));
    }
    xml_writer x;
    x.open("CompleteMultipartUploadResult", s3_namespace)
        .element("Location", "http://" + ctx.host + "/" + t.bucket + "/" + t.key)
        .element("Bucket", t.bucket)
        .element("Key", t.key)
        .element("ETag", done.object.info.etag);
    if (!done.object.meta.checksum_algorithm.empty())
        x.element("Checksum" + done.object.meta.checksum_algorithm, done.object.meta.checksum_value)
            .element("ChecksumType", done.object.meta.checksum_type);
    x.close("CompleteMultipartUploadResult");
    co_return xml_response(x.take());
}

asio::awaitable<service_response> abort_multipart_upload(request_context& ctx) {
    app& a = ctx.application;
    auto t = target_of(ctx);
    if (auto refused = authorize_object(ctx, t, "s3:AbortMultipartUpload")) co_return service_response::from_error(*refused);
    std::string id = upload_id_of(ctx);
    auto abort_upload = [&a, t, id] {
        auto upload = a.uploads().find(t.bucket, id);
        if (!upload || upload->key != t.key) return false;
        a.uploads().abort(*upload);
        return true;
    };
    auto found = co_await offload(a.blocking_pool(), abort_upload);
    if (!found) co_return service_response::from_error(no_such_upload(id));
    service_response r;
    r.status = 204;
    co_return r;
}

asio::awaitable<service_response> list_parts(request_context& ctx) {
    app& a = ctx.application;
    auto t = target_of(ctx);
    if (auto refused = authorize_object(ctx, t, "s3:ListMultipartUploadParts")) co_return service_response::from_error(*refused);
    std::string id = upload_id_of(ctx);
    int marker = 0, max_parts = 1000;
    if (const auto* m = ctx.query_param("part-number-marker")) std::from_chars(m->data(), m->data() + m->size(), marker);
    if (const auto* m = ctx.query_param("max-parts")) std::from_chars(m->data(), m->data() + m->size(), max_parts);
    max_parts = std::clamp(max_parts, 0, 1000);
    struct found_parts {
        std::optional<upload_info> upload;
        std::vector<part_record> parts;
    };
    auto read_parts = [&a, t, id] {
        found_parts f;
        f.upload = a.uploads().find(t.bucket, id);
        if (f.upload) f.parts = a.uploads().parts(*f.upload);
        return f;
    };
    auto found = co_await offload(a.blocking_pool(), read_parts);
    if (!found.upload || found.upload->key != t.key) co_return service_response::from_error(no_such_upload(id));
    xml_writer x;
    x.open("ListPartsResult", s3_namespace)
        .element("Bucket", t.bucket)
        .element("Key", t.key)
        .element("UploadId", id)
        .element("PartNumberMarker", std::to_string(marker));
    int listed = 0, last = marker;
    bool truncated = false;
    for (const auto& p : found.parts) {
        if (p.number <= marker) continue;
        if (listed == max_parts) {
            truncated = true;
            break;
        }
        x.open("Part")
            .element("PartNumber", std::to_string(p.number))
            .element("LastModified", iso8601_ms(found.upload->initiated))
            .element("ETag", p.etag)
            .element("Size", std::to_string(p.size));
        if (!p.checksum.empty()) x.element("Checksum" + found.upload->meta.checksum_algorithm, p.checksum);
        x.close("Part");
        ++listed;
        last = p.number;
    }
    x.element("NextPartNumberMarker", std::to_string(last))
        .element("MaxParts", std::to_string(max_parts))
        .element("IsTruncated", truncated ? "true" : "false")
        .element("StorageClass", "STANDARD");
    if (!found.upload->meta.checksum_algorithm.empty())
        x.element("ChecksumAlgorithm", found.upload->meta.checksum_algorithm);
    x.close("ListPartsResult");
    co_return xml_response(x.take());
}

asio::awaitable<service_response> list_multipart_uploads(request_context& ctx) {
    app& a = ctx.application;
    auto t = target_of(ctx);
    if (auto refused = authorize_bucket(ctx, t, "s3:ListBucketMultipartUploads")) co_return service_response::from_error(*refused);
    std::string prefix = ctx.query_param("prefix") ? *ctx.query_param("prefix") : "";
    auto list_uploads = [&a, t] { return a.uploads().list(t.bucket); };
    auto uploads = co_await offload(a.blocking_pool(), list_uploads);
    xml_writer x;
    x.open("ListMultipartUploadsResult", s3_namespace)
        .element("Bucket", t.bucket)
        .element("KeyMarker", "")
        .element("UploadIdMarker", "")
        .element("Prefix", prefix)
        .element("MaxUploads", "1000")
        .element("IsTruncated", "false");
    for (const auto& u : uploads) {
        if (!u.key.starts_with(prefix)) continue;
        x.open("Upload")
            .element("Key", u.key)
            .element("UploadId", u.upload_id)
            .element("Initiated", iso8601_ms(u.initiated))
            .element("StorageClass", "STANDARD")
            .close("Upload");
    }
    x.close("ListMultipartUploadsResult");
    co_return xml_response(x.take());
}

}  // namespace localaws::s3
