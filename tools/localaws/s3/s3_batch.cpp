// DeleteObjects (XML body, Content-MD5 or checksum required, per-key authorisation) and
// GetObjectAttributes.
#include "tools/localaws/s3/checksums.hpp"
#include "tools/localaws/s3/request_xml.hpp"
#include "tools/localaws/s3/s3_common.hpp"
#include "tools/localaws/s3/s3_handlers.hpp"
#include "tools/localaws/s3/upload_body.hpp"
#include "tools/localaws/server/app.hpp"
#include "tools/localaws/server/blocking.hpp"
#include "tools/localaws/server/http_util.hpp"
#include "tools/localaws/server/xml_writer.hpp"

#include <charconv>
#include <set>

namespace localaws::s3 {
namespace asio = boost::asio;

asio::awaitable<service_response> delete_objects(request_context& ctx) {
    app& a = ctx.application;
    auto t = target_of(ctx);
    if (auto e = check_content_md5(ctx, ctx.body, true)) co_return service_response::from_error(*e);
    auto request = parse_delete_objects(ctx.body);
    if (!request) co_return service_response::from_error(malformed_xml());
    const bool quiet = request->quiet;
    const std::vector<std::string>& keys = request->keys;

    // Each key is authorised on its own, as S3 does: denied keys come back as <Error>s.
    struct outcome {
        std::string key;
        std::optional<aws_error> error;
    };
    std::vector<outcome> outcomes;
    std::vector<std::string> allowed;
    for (const auto& k : keys) {
        auto denied = ctx.authorize("s3:DeleteObject", object_arn(t.bucket, k));
        outcomes.push_back({k, denied ? std::optional(aws_error{403, "AccessDenied", "Access Denied", {}, true}) : std::nullopt});
        if (!denied) allowed.push_back(k);
    }
    // IAM before existence, as everywhere in localaws: a caller that may delete none of the keys
    // learns nothing about the bucket (in an existing one, its denied keys are <Error>s as above).
    if (!a.store().bucket_exists(t.bucket)) {
        if (allowed.empty()) co_return service_response::from_error({403, "AccessDenied", "Access Denied", {}, true});
        co_return service_response::from_error(no_such_bucket(t.bucket));
    }
    auto remove_allowed = [&a, t, allowed] {
        std::set<std::string> failed;
        for (const auto& k : allowed)
            if (a.store().remove(t.bucket, k)) failed.insert(k);
        return failed;
    };
    auto failures = co_await offload(a.blocking_pool(), remove_allowed);
    xml_writer x;
    x.open("DeleteResult", s3_namespace);
    for (const auto& o : outcomes) {
        bool failed = o.error || failures.contains(o.key);
        if (!failed) {
            if (!quiet) x.open("Deleted").element("Key", o.key).close("Deleted");
            continue;
        }
        auto e = o.error.value_or(internal_error());
        x.open("Error").element("Key", o.key).element("Code", e.code).element("Message", e.message).close("Error");
    }
    x.close("DeleteResult");
    co_return xml_response(x.take());
}

asio::awaitable<service_response> get_object_attributes(request_context& ctx) {
    app& a = ctx.application;
    auto t = target_of(ctx);
    if (auto refused = authorize_object(ctx, t, "s3:GetObjectAttributes")) co_return service_response::from_error(*refused);
    auto requested = ctx.headers.get("x-amz-object-attributes");
    if (requested.empty())
        co_return service_response::from_error(invalid_argument("Invalid attribute name specified.", "x-amz-object-attributes", ""));
    auto wants = [&](std::string_view name) { return requested.find(name) != std::string_view::npos; };
    auto obj = a.store().stat(t.bucket, t.key);
    if (!obj) co_return service_response::from_error(missing_key(ctx, t));
    int max_parts = 1000, marker = 0;
    if (const auto* v = ctx.headers.find("x-amz-max-parts")) std::from_chars(v->data(), v->data() + v->size(), max_parts);
    if (const auto* v = ctx.headers.find("x-amz-part-number-marker")) std::from_chars(v->data(), v->data() + v->size(), marker);

    xml_writer x;
    x.open("GetObjectAttributesResponse", s3_namespace);
    if (wants("ETag")) {
        std::string etag = obj->info.etag;
        if (etag.size() >= 2 && etag.front() == '"') etag = etag.substr(1, etag.size() - 2);
        x.element("ETag", etag);
    }
    if (wants("Checksum") && !obj->meta.checksum_algorithm.empty()) {
        x.open("Checksum")
            .element("Checksum" + obj->meta.checksum_algorithm, obj->meta.checksum_value)
            .element("ChecksumType", obj->meta.checksum_type)
            .close("Checksum");
    }
    if (wants("ObjectParts") && !obj->meta.parts.empty()) {
        x.open("ObjectParts").element("PartsCount", std::to_string(obj->meta.parts.size()));
        x.element("PartNumberMarker", std::to_string(marker)).element("MaxParts", std::to_string(max_parts));
        int listed = 0, last = marker;
        bool truncated = false;
        for (const auto& p : obj->meta.parts) {
            if (p.number <= marker) continue;
            if (listed == max_parts) {
                truncated = true;
                break;
            }
            x.open("Part").element("PartNumber", std::to_string(p.number)).element("Size", std::to_string(p.size));
            if (!p.checksum.empty()) x.element("Checksum" + obj->meta.checksum_algorithm, p.checksum);
            x.close("Part");
            ++listed;
            last = p.number;
        }
        x.element("NextPartNumberMarker", std::to_string(last)).element("IsTruncated", truncated ? "true" : "false");
        x.close("ObjectParts");
    }
    if (wants("StorageClass")) x.element("StorageClass", "STANDARD");
    if (wants("ObjectSize")) x.element("ObjectSize", std::to_string(obj->info.size));
    x.close("GetObjectAttributesResponse");
    auto r = xml_response(x.take());
    r.add_header("Last-Modified", http_date(obj->info.last_modified));
    co_return r;
}

}  // namespace localaws::s3
