#include "tools/localaws/s3/s3_common.hpp"

#include "tools/localaws/server/app.hpp"
#include "tools/localaws/server/http_util.hpp"
#include "sigv4/uri_encoding.hpp"

namespace localaws::s3 {

target target_of(const request_context& ctx) {
    std::string path = shiftsync::sigv4::percent_decode(ctx.raw_path);
    std::string_view host = ctx.host;
    if (auto colon = host.rfind(':'); colon != std::string_view::npos) host = host.substr(0, colon);
    constexpr std::string_view vhost_suffix = ".localhost";
    if (host.size() > vhost_suffix.size() && host.ends_with(vhost_suffix)) {
        target t{std::string(host.substr(0, host.size() - vhost_suffix.size())), {}};
        if (path.size() > 1) t.key = path.substr(1);
        return t;
    }
    target t;
    if (path.size() <= 1) return t;
    auto slash = path.find('/', 1);
    t.bucket = path.substr(1, slash == std::string::npos ? std::string::npos : slash - 1);
    if (slash != std::string::npos) t.key = path.substr(slash + 1);
    return t;
}

namespace {
std::optional<aws_error> authorize_then_find_bucket(const request_context& ctx, const target& t, std::string_view action,
                                                    std::string_view resource_arn, const iam::condition_context& extra) {
    if (auto denied = ctx.authorize(action, resource_arn, extra)) return denied;
    if (!ctx.application.store().bucket_exists(t.bucket)) return no_such_bucket(t.bucket);
    return std::nullopt;
}
}  // namespace

std::optional<aws_error> authorize_bucket(const request_context& ctx, const target& t, std::string_view action,
                                          const iam::condition_context& extra) {
    return authorize_then_find_bucket(ctx, t, action, bucket_arn(t.bucket), extra);
}

std::optional<aws_error> authorize_object(const request_context& ctx, const target& t, std::string_view action) {
    return authorize_then_find_bucket(ctx, t, action, object_arn(t.bucket, t.key), {});
}

aws_error missing_key(const request_context& ctx, const target& t) {
    if (ctx.authorize("s3:ListBucket", bucket_arn(t.bucket))) return {403, "AccessDenied", "Access Denied", {}, true};
    return no_such_key(t.key);
}

std::string signing_region(const request_context& ctx) {
    // GetBucketLocation is how a client learns the region: S3 answers it signed for any region.
    if (ctx.operation == "GetBucketLocation") return {};
    auto t = target_of(ctx);
    if (t.bucket.empty() || !ctx.application.store().bucket_exists(t.bucket)) return {};
    return ctx.application.region_of_bucket(t.bucket);
}

std::string resolve_operation(const request_context& ctx) {
    auto t = target_of(ctx);
    const std::string& m = ctx.method;
    if (t.bucket.empty()) return m == "GET" ? "ListBuckets" : "Unknown";
    if (t.key.empty()) {
        if (m == "PUT") return "CreateBucket";
        if (m == "HEAD") return "HeadBucket";
        if (m == "DELETE") return "DeleteBucket";
        if (m == "POST") return ctx.has_query("delete") ? "DeleteObjects" : "Unknown";
        if (m == "GET") {
            if (ctx.has_query("location")) return "GetBucketLocation";
            if (ctx.has_query("uploads")) return "ListMultipartUploads";
            if (ctx.has_query("versioning")) return "GetBucketVersioning";
            if (const auto* lt = ctx.query_param("list-type"); lt && *lt == "2") return "ListObjectsV2";
            return "ListObjects";
        }
        return "Unknown";
    }
    if (m == "PUT") {
        if (ctx.headers.find("x-amz-copy-source")) return ctx.has_query("uploadId") ? "UploadPartCopy" : "CopyObject";
        return ctx.has_query("uploadId") ? "UploadPart" : "PutObject";
    }
    if (m == "GET") {
        if (ctx.has_query("uploadId")) return "ListParts";
        if (ctx.has_query("attributes")) return "GetObjectAttributes";
        return "GetObject";
    }
    if (m == "HEAD") return "HeadObject";
    if (m == "DELETE") return ctx.has_query("uploadId") ? "AbortMultipartUpload" : "DeleteObject";
    if (m == "POST") {
        if (ctx.has_query("uploads")) return "CreateMultipartUpload";
        if (ctx.has_query("uploadId")) return "CompleteMultipartUpload";
    }
    return "Unknown";
}

aws_error no_such_bucket(std::string_view bucket) {
    return {404, "NoSuchBucket", "The specified bucket does not exist", {{"BucketName", std::string(bucket)}}, true};
}
aws_error no_such_key(std::string_view key) {
    return {404, "NoSuchKey", "The specified key does not exist.", {{"Key", std::string(key)}}, true};
}
aws_error no_such_upload(std::string_view upload_id) {
    return {404, "NoSuchUpload",
            "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted "
            "or completed.",
            {{"UploadId", std::string(upload_id)}}, true};
}
aws_error invalid_argument(std::string message, std::string name, std::string value) {
    aws_error e{400, "InvalidArgument", std::move(message), {}, true};
    if (!name.empty()) {
        e.details.emplace_back("ArgumentName", std::move(name));
        e.details.emplace_back("ArgumentValue", std::move(value));
    }
    return e;
}
aws_error malformed_xml() {
    return {400, "MalformedXML",
            "The XML you provided was not well-formed or did not validate against our published schema", {}, true};
}
aws_error internal_error() {
    return {500, "InternalError", "We encountered an internal error. Please try again.", {}, false};
}

aws_error internal_error(std::string cause) {
    aws_error e = internal_error();
    e.cause = std::move(cause);
    return e;
}

object_meta meta_from_request(const request_context& ctx) {
    object_meta meta;
    if (const auto* ct = ctx.headers.find("content-type")) meta.content_type = *ct;
    for (const auto& [n, v] : ctx.headers.items) {
        if (n.starts_with("x-amz-meta-") || n == "content-encoding" || n == "content-disposition" ||
            n == "cache-control" || n == "content-language" || n == "expires") {
            // aws-chunked is transfer framing, not the object's encoding.
            if (n == "content-encoding") {
                std::string enc = v;
                if (auto at = enc.find("aws-chunked"); at != std::string::npos) {
                    enc.erase(at, 11);
                    while (!enc.empty() && (enc.front() == ',' || enc.front() == ' ')) enc.erase(0, 1);
                    while (!enc.empty() && (enc.back() == ',' || enc.back() == ' ')) enc.pop_back();
                }
                if (enc.empty()) continue;
                meta.headers.emplace_back(n, enc);
                continue;
            }
            meta.headers.emplace_back(n, v);
        }
    }
    return meta;
}

void add_object_headers(service_response& r, const stored_object& obj) {
    r.add_header("ETag", obj.info.etag);
    r.add_header("Last-Modified", http_date(obj.info.last_modified));
    r.add_header("Content-Type", obj.meta.content_type);
    r.add_header("Accept-Ranges", "bytes");
    for (const auto& [n, v] : obj.meta.headers) r.add_header(n, v);
}

service_response xml_response(std::string body, int status) {
    service_response r;
    r.status = status;
    r.body = std::move(body);
    r.add_header("Content-Type", "application/xml");
    return r;
}

}  // namespace localaws::s3
