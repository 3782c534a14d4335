// Buckets and listings: ListBuckets, CreateBucket, HeadBucket, DeleteBucket, GetBucketLocation,
// ListObjects (v1) and ListObjectsV2.
#include "tools/localaws/s3/checksums.hpp"
#include "tools/localaws/s3/s3_common.hpp"
#include "tools/localaws/s3/s3_handlers.hpp"
#include "tools/localaws/server/app.hpp"
#include "tools/localaws/server/blocking.hpp"
#include "tools/localaws/server/http_util.hpp"
#include "tools/localaws/server/xml_writer.hpp"
#include "sigv4/uri_encoding.hpp"

#include <pugixml.hpp>

#include <charconv>
#include <variant>

namespace localaws::s3 {
namespace asio = boost::asio;
namespace {

struct listing {
    std::vector<stored_object> contents;
    std::vector<std::string> common_prefixes;
    bool truncated = false;
    std::string last;  // the last key or prefix returned: where the next page starts
};

// S3's listing walk: keys after `after` under `prefix`; keys with `delimiter` past the prefix roll
// up into one common prefix each; contents and prefixes together count against max_keys.
listing walk(const disk_store& store, const std::string& bucket, const std::string& prefix,
             const std::string& delimiter, std::string after, std::size_t max_keys) {
    listing out;
    out.last = after;  // a continuation may start right after a common prefix
    if (max_keys == 0) return out;
    constexpr std::size_t batch = 1000;
    for (;;) {
        auto page = store.list_page(bucket, prefix, after, batch);
        for (auto& obj : page) {
            after = obj.info.key;
            std::size_t at = delimiter.empty() ? std::string::npos : obj.info.key.find(delimiter, prefix.size());
            std::string rolled = at == std::string::npos ? std::string{} : obj.info.key.substr(0, at + delimiter.size());
            if (!rolled.empty() && !out.common_prefixes.empty() && out.common_prefixes.back() == rolled) continue;
            if (!rolled.empty() && out.last == rolled) continue;  // continuing after this prefix
            if (out.contents.size() + out.common_prefixes.size() == max_keys) {
                out.truncated = true;
                return out;
            }
            if (!rolled.empty()) {
                out.common_prefixes.push_back(rolled);
                out.last = rolled;
            } else {
                out.last = obj.info.key;
                out.contents.push_back(std::move(obj));
            }
        }
        if (page.size() < batch) return out;
    }
}

std::string encode_if(bool url, std::string_view text) {
    return url ? shiftsync::sigv4::uri_encode(text, shiftsync::sigv4::slash::keep) : std::string(text);
}

// Where CreateBucket puts the bucket, by S3's rules for a regional endpoint (localaws answers as
// the endpoint of whichever region the request was signed for): the LocationConstraint of the body,
// which only us-east-1's endpoint lets differ from its own region; without one, us-east-1.
std::variant<std::string, aws_error> location_of(const request_context& ctx) {
    std::string constraint;
    if (!ctx.body.empty()) {
        pugi::xml_document doc;
        auto configuration = doc.load_buffer(ctx.body.data(), ctx.body.size())
                                 ? doc.child("CreateBucketConfiguration")
                                 : pugi::xml_node{};
        if (!configuration) return malformed_xml();
        constraint = configuration.child_value("LocationConstraint");
    }
    const std::string& endpoint = ctx.signed_region.empty() ? ctx.application.region() : ctx.signed_region;
    if (constraint == "us-east-1")
        return aws_error{400, "InvalidLocationConstraint", "The specified location-constraint is not valid",
                         {{"LocationConstraint", constraint}}, true};
    if (constraint.empty() && endpoint != "us-east-1")
        return aws_error{400, "IllegalLocationConstraintException",
                         "The unspecified location constraint is incompatible for the region specific endpoint this "
                         "request was sent to.", {}, true};
    if (!constraint.empty() && endpoint != "us-east-1" && constraint != endpoint)
        return aws_error{400, "IllegalLocationConstraintException",
                         "The " + constraint + " location constraint is incompatible for the region specific endpoint "
                         "this request was sent to.", {}, true};
    return constraint.empty() ? std::string("us-east-1") : constraint;
}

}  // namespace

asio::awaitable<service_response> list_buckets(request_context& ctx) {
    if (auto denied = ctx.authorize("s3:ListAllMyBuckets", "*")) co_return service_response::from_error(*denied);
    xml_writer x;
    x.open("ListAllMyBucketsResult", s3_namespace);
    x.open("Owner").element("ID", ctx.principal.account_id).element("DisplayName", ctx.principal.account_id).close("Owner");
    x.open("Buckets");
    for (const auto& b : ctx.application.store().buckets())
        if (b.owner_account == ctx.principal.account_id)
            x.open("Bucket").element("Name", b.name).element("CreationDate", iso8601_ms(b.created)).close("Bucket");
    x.close("Buckets").close("ListAllMyBucketsResult");
    co_return xml_response(x.take());
}

asio::awaitable<service_response> create_bucket(request_context& ctx) {
    app& a = ctx.application;
    auto t = target_of(ctx);
    if (auto denied = ctx.authorize("s3:CreateBucket", bucket_arn(t.bucket))) co_return service_response::from_error(*denied);
    if (!disk_store::valid_bucket_name(t.bucket))
        co_return service_response::from_error({400, "InvalidBucketName", "The specified bucket is not valid.", {{"BucketName", t.bucket}}, true});
    if (auto existing = a.store().find_bucket(t.bucket)) {
        if (existing->owner_account == ctx.principal.account_id)
            co_return service_response::from_error({409, "BucketAlreadyOwnedByYou",
                                                    "Your previous request to create the named bucket succeeded and you already own it.",
                                                    {{"BucketName", t.bucket}}, true});
        co_return service_response::from_error({409, "BucketAlreadyExists",
                                                "The requested bucket name is not available. The bucket namespace is shared by all users "
                                                "of the system. Please select a different name and try again.",
                                                {{"BucketName", t.bucket}}, true});
    }
    auto where = location_of(ctx);
    if (auto* refused = std::get_if<aws_error>(&where)) co_return service_response::from_error(*refused);
    std::string owner = ctx.principal.account_id, region = std::get<std::string>(where);
    auto create = [&a, t, owner, region] { return a.store().create_bucket(t.bucket, owner, region); };
    auto ec = co_await offload(a.blocking_pool(), create);
    if (ec) co_return service_response::from_error(internal_error("cannot create the bucket: " + ec.message()));
    service_response r;
    r.add_header("Location", "/" + t.bucket);
    co_return r;
}

asio::awaitable<service_response> head_bucket(request_context& ctx) {
    auto t = target_of(ctx);
    if (auto refused = authorize_bucket(ctx, t, "s3:ListBucket")) co_return service_response::from_error(*refused);
    service_response r;
    r.add_header("x-amz-bucket-region", ctx.application.region_of_bucket(t.bucket));
    co_return r;
}

asio::awaitable<service_response> delete_bucket(request_context& ctx) {
    app& a = ctx.application;
    auto t = target_of(ctx);
    if (auto denied = ctx.authorize("s3:DeleteBucket", bucket_arn(t.bucket))) co_return service_response::from_error(*denied);
    auto remove_bucket = [&a, t] { return a.store().delete_bucket(t.bucket); };
    auto ec = co_await offload(a.blocking_pool(), remove_bucket);
    if (ec == std::errc::no_such_file_or_directory) co_return service_response::from_error(no_such_bucket(t.bucket));
    if (ec == std::errc::directory_not_empty)
        co_return service_response::from_error({409, "BucketNotEmpty", "The bucket you tried to delete is not empty", {{"BucketName", t.bucket}}, true});
    service_response r;
    r.status = 204;
    co_return r;
}

asio::awaitable<service_response> get_bucket_location(request_context& ctx) {
    auto t = target_of(ctx);
    if (auto refused = authorize_bucket(ctx, t, "s3:GetBucketLocation")) co_return service_response::from_error(*refused);
    // us-east-1 is the empty LocationConstraint.
    std::string region = ctx.application.region_of_bucket(t.bucket);
    if (region == "us-east-1") region.clear();
    xml_writer x;
    x.open("LocationConstraint", s3_namespace);
    std::string body = x.take() + region + "</LocationConstraint>";
    co_return xml_response(std::move(body));
}

asio::awaitable<service_response> list_objects(request_context& ctx) {
    app& a = ctx.application;
    auto t = target_of(ctx);
    const bool v2 = ctx.operation == "ListObjectsV2";
    auto param = [&](std::string_view n) {
        const auto* v = ctx.query_param(n);
        return v ? *v : std::string{};
    };
    std::string prefix = param("prefix"), delimiter = param("delimiter");
    iam::condition_context cond{{"s3:prefix", prefix}, {"s3:delimiter", delimiter}};
    if (auto refused = authorize_bucket(ctx, t, "s3:ListBucket", cond)) co_return service_response::from_error(*refused);
    std::size_t max_keys = 1000;
    if (const auto* mk = ctx.query_param("max-keys")) {
        long long v = -1;
        auto [end, ec] = std::from_chars(mk->data(), mk->data() + mk->size(), v);
        if (ec != std::errc{} || end != mk->data() + mk->size() || v < 0)
            co_return service_response::from_error(invalid_argument("Provided max-keys not an integer or within integer range", "max-keys", *mk));
        max_keys = static_cast<std::size_t>(std::min<long long>(v, 1000));
    }
    const bool url = param("encoding-type") == "url";
    std::string after;
    const std::string* token = ctx.query_param("continuation-token");
    if (v2) {
        after = param("start-after");
        if (token) {
            auto decoded = base64_decode(*token);
            if (!decoded || decoded->empty())
                co_return service_response::from_error(invalid_argument("The continuation token provided is incorrect", "continuation-token", *token));
            after = std::max(after, *decoded);
        }
    } else {
        after = param("marker");
    }
    auto walk_listing = [&a, t, prefix, delimiter, after, max_keys] {
        return walk(a.store(), t.bucket, prefix, delimiter, after, max_keys);
    };
    auto result = co_await offload(a.blocking_pool(), walk_listing);

    xml_writer x;
    x.open("ListBucketResult", s3_namespace);
    x.element("Name", t.bucket).element("Prefix", encode_if(url, prefix));
    if (v2) {
        if (token) x.element("ContinuationToken", *token);
        if (result.truncated) x.element("NextContinuationToken", base64_encode(result.last));
        if (ctx.query_param("start-after")) x.element("StartAfter", encode_if(url, param("start-after")));
        x.element("KeyCount", std::to_string(result.contents.size() + result.common_prefixes.size()));
    } else {
        x.element("Marker", encode_if(url, after));
        if (result.truncated && !delimiter.empty()) x.element("NextMarker", encode_if(url, result.last));
    }
    x.element("MaxKeys", std::to_string(max_keys));
    if (!delimiter.empty()) x.element("Delimiter", encode_if(url, delimiter));
    if (url) x.element("EncodingType", "url");
    x.element("IsTruncated", result.truncated ? "true" : "false");
    for (const auto& o : result.contents) {
        x.open("Contents")
            .element("Key", encode_if(url, o.info.key))
            .element("LastModified", iso8601_ms(o.info.last_modified))
            .element("ETag", o.info.etag)
            .element("Size", std::to_string(o.info.size));
        if (!o.meta.checksum_algorithm.empty())
            x.element("ChecksumAlgorithm", o.meta.checksum_algorithm).element("ChecksumType", o.meta.checksum_type);
        x.element("StorageClass", "STANDARD").close("Contents");
    }
    for (const auto& p : result.common_prefixes) x.open("CommonPrefixes").element("Prefix", encode_if(url, p)).close("CommonPrefixes");
    x.close("ListBucketResult");
    co_return xml_response(x.take());
}

}  // namespace localaws::s3
