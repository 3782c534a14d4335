// PutObject, GetObject / HeadObject (ranges, conditionals), DeleteObject.
#include "tools/localaws/s3/s3_common.hpp"
#include "tools/localaws/s3/s3_handlers.hpp"
#include "tools/localaws/s3/upload_body.hpp"
#include "tools/localaws/server/app.hpp"
#include "tools/localaws/server/blocking.hpp"
#include "tools/localaws/server/http_util.hpp"

#include <charconv>

namespace localaws::s3 {
namespace asio = boost::asio;
namespace {

// Whole-object GETs up to this size are read in one go, and on the network thread itself: the
// profile of small signed GETs was dominated by the hand-off to the blocking pool (futex wake-ups,
// context switches), while opening and reading 64 KiB from the page cache takes microseconds.
// Larger objects, ranges, and every write and fsync still go to the pool.
constexpr std::uint64_t inline_limit = 64 * 1024;

class reader_source final : public body_source {
public:
    explicit reader_source(std::unique_ptr<disk_reader> r) : reader_(std::move(r)) {}
    std::size_t read(std::span<std::byte> into, std::error_code& ec) override { return reader_->read(into, ec); }
    // Object data starts at offset 0 of its file (the metadata trailer comes after it).
    std::optional<file_region> file() const override { return file_region{reader_->fd(), reader_->position()}; }

private:
    std::unique_ptr<disk_reader> reader_;
};

struct byte_range {
    std::uint64_t first = 0, last = 0;  // inclusive
};

// "bytes=0-99", "bytes=100-", "bytes=-50". nullopt + unsatisfiable=false: ignore the header (as S3
// does for syntax it does not understand); unsatisfiable=true: 416.
std::optional<byte_range> parse_range(std::string_view header, std::uint64_t size, bool& unsatisfiable) {
    unsatisfiable = false;
    if (!header.starts_with("bytes=") || header.find(',') != std::string_view::npos) return std::nullopt;
    header.remove_prefix(6);
    auto dash = header.find('-');
    if (dash == std::string_view::npos) return std::nullopt;
    auto num = [](std::string_view s, std::uint64_t& v) {
        auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
        return ec == std::errc{} && end == s.data() + s.size();
    };
    std::string_view a = header.substr(0, dash), b = header.substr(dash + 1);
    byte_range r;
    if (a.empty()) {
        std::uint64_t suffix = 0;
        if (!num(b, suffix)) return std::nullopt;
        if (suffix == 0 || size == 0) return unsatisfiable = true, std::nullopt;
        r.first = suffix >= size ? 0 : size - suffix;
        r.last = size - 1;
        return r;
    }
    if (!num(a, r.first)) return std::nullopt;
    if (b.empty()) r.last = size ? size - 1 : 0;
    else if (!num(b, r.last) || r.last < r.first) return std::nullopt;
    if (r.first >= size) return unsatisfiable = true, std::nullopt;
    r.last = std::min(r.last, size - 1);
    return r;
}

std::string unquoted(std::string_view etag) {
    if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') etag = etag.substr(1, etag.size() - 2);
    return std::string(etag);
}

bool etag_matches(std::string_view header, std::string_view etag) {
    // A list of ETags, or "*".
    std::string_view want = header;
    while (!want.empty()) {
        auto comma = want.find(',');
        std::string_view one = want.substr(0, comma);
        while (!one.empty() && one.front() == ' ') one.remove_prefix(1);
        while (!one.empty() && one.back() == ' ') one.remove_suffix(1);
        if (one == "*" || unquoted(one) == unquoted(etag)) return true;
        want = comma == std::string_view::npos ? std::string_view{} : want.substr(comma + 1);
    }
    return false;
}

// S3's order: If-Match, then If-Unmodified-Since (412); If-None-Match, then If-Modified-Since (304).
std::optional<int> check_conditions(const request_context& ctx, const stored_object& obj) {
    auto modified = std::chrono::time_point_cast<std::chrono::seconds>(obj.info.last_modified);
    std::chrono::system_clock::time_point when;
    if (const auto* h = ctx.headers.find("if-match")) {
        if (!etag_matches(*h, obj.info.etag)) return 412;
    } else if (const auto* u = ctx.headers.find("if-unmodified-since"); u && parse_http_date(*u, when)) {
        if (modified > when) return 412;
    }
    if (const auto* h = ctx.headers.find("if-none-match")) {
        if (etag_matches(*h, obj.info.etag)) return 304;
    } else if (const auto* m = ctx.headers.find("if-modified-since"); m && parse_http_date(*m, when)) {
        if (modified <= when) return 304;
    }
    return std::nullopt;
}

struct opened {
    std::unique_ptr<disk_reader> reader;
    std::string inline_body;
    bool missing = false;
};

}  // namespace

asio::awaitable<service_response> put_object(request_context& ctx) {
    app& a = ctx.application;
    auto t = target_of(ctx);
    if (auto refused = authorize_object(ctx, t, "s3:PutObject")) co_return service_response::from_error(*refused);
    if (t.key.size() > 1024) co_return service_response::from_error({400, "KeyTooLongError", "Your key is too long", {}, true});
    if (const auto* inm = ctx.headers.find("if-none-match"); inm && *inm == "*" && a.store().head(t.bucket, t.key))
        co_return service_response::from_error({412, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold", {{"Condition", "If-None-Match"}}, true});

    std::error_code ec;
    auto open_writer = [&] { return std::shared_ptr<disk_writer>(a.store().create_object(t.bucket, t.key, ec)); };
    auto writer = co_await offload(a.blocking_pool(), open_writer);
    if (!writer) co_return service_response::from_error(internal_error("cannot create the object: " + ec.message()));
    writer->skip_md5();  // receive_body computes it once for the ETag and Content-MD5
    auto alg = requested_algorithm(ctx, checksum_algorithm::none);
    std::function<std::error_code(std::span<const std::byte>)> write_to_object =
        [writer](std::span<const std::byte> d) { return writer->write(d); };
    auto body = co_await receive_body(ctx, alg, write_to_object);
    if (body.error) co_return service_response::from_error(*body.error);  // the writer discards the temp file

    object_meta meta = meta_from_request(ctx);
    meta.etag = body.etag;
    if (alg != checksum_algorithm::none) {
        meta.checksum_algorithm = algorithm_name(alg);
        meta.checksum_value = body.checksum;
        meta.checksum_type = "FULL_OBJECT";
    }
    writer->set_meta(meta);
    auto commit = [writer] { return writer->commit(); };
    auto commit_ec = co_await offload(a.blocking_pool(), commit);
    if (commit_ec)
        co_return service_response::from_error(internal_error("cannot commit the object: " + commit_ec.message()));
    service_response r;
    r.add_header("ETag", body.etag);
    if (alg != checksum_algorithm::none) {
        r.add_header(std::string(checksum_header(alg)), body.checksum);
        r.add_header("x-amz-checksum-type", "FULL_OBJECT");
    }
    co_return r;
}

asio::awaitable<service_response> get_object(request_context& ctx) {
    app& a = ctx.application;
    auto t = target_of(ctx);
    if (auto refused = authorize_object(ctx, t, "s3:GetObject")) co_return service_response::from_error(*refused);
    const bool head = ctx.method == "HEAD";
    auto range_header = ctx.headers.get("range");
    auto open_object = [&a, t, head, range_header] {
        opened o;
        std::error_code ec;
        o.reader = a.store().open_object(t.bucket, t.key, ec);
        if (!o.reader) {
            o.missing = true;
            return o;
        }
        // Small whole-object GETs: read now, one trip to the pool instead of two.
        if (!head && range_header.empty() && o.reader->info().size <= inline_limit) {
            o.inline_body.resize(o.reader->info().size);
            std::size_t at = 0;
            while (at < o.inline_body.size()) {
                std::size_t n = o.reader->read(std::as_writable_bytes(std::span(o.inline_body)).subspan(at), ec);
                if (ec || n == 0) break;
                at += n;
            }
            o.inline_body.resize(at);
        }
        return o;
    };
    auto indexed = a.store().head(t.bucket, t.key);
    bool small = indexed && indexed->size <= inline_limit && !head && range_header.empty();
    opened result;
    if (small) result = open_object();
    else result = co_await offload(a.blocking_pool(), open_object);
    if (result.missing) co_return service_response::from_error(missing_key(ctx, t));
    stored_object obj{result.reader->info(), result.reader->meta()};
    if (auto cond = check_conditions(ctx, obj)) {
        if (*cond == 304) {
            service_response r;
            r.status = 304;
            r.add_header("ETag", obj.info.etag);
            r.add_header("Last-Modified", http_date(obj.info.last_modified));
            co_return r;
        }
        co_return service_response::from_error({412, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold",
                                                {{"Condition", ctx.headers.find("if-match") ? "If-Match" : "If-Unmodified-Since"}}, true});
    }
    service_response r;
    add_object_headers(r, obj);
    std::uint64_t size = obj.info.size;
    bool unsatisfiable = false;
    auto range = range_header.empty() ? std::nullopt : parse_range(range_header, size, unsatisfiable);
    if (unsatisfiable)
        co_return service_response::from_error({416, "InvalidRange", "The requested range is not satisfiable",
                                                {{"RangeRequested", std::string(range_header)}, {"ActualObjectSize", std::to_string(size)}}, true});
    // Response header overrides (presigned downloads use them).
    for (const auto& [param, header] : {std::pair{"response-content-type", "Content-Type"},
                                        {"response-content-disposition", "content-disposition"},
                                        {"response-cache-control", "cache-control"},
                                        {"response-content-encoding", "content-encoding"}})
        if (const auto* v = ctx.query_param(param)) {
            // A named copy: lambdas capturing structured bindings are C++20 that clang 15 lacks.
            const std::string_view wanted = header;
            auto it = std::find_if(r.headers.begin(), r.headers.end(), [&](const auto& h) { return h.first == wanted; });
            if (it != r.headers.end()) it->second = *v;
            else r.add_header(header, *v);
        }
    if (!range && ctx.headers.get("x-amz-checksum-mode") == "ENABLED" && !obj.meta.checksum_algorithm.empty()) {
        if (auto alg = parse_checksum_algorithm(obj.meta.checksum_algorithm)) {
            r.add_header(std::string(checksum_header(*alg)), obj.meta.checksum_value);
            r.add_header("x-amz-checksum-type", obj.meta.checksum_type);
        }
    }
    if (range) {
        r.status = 206;
        r.add_header("Content-Range", "bytes " + std::to_string(range->first) + "-" + std::to_string(range->last) + "/" +
                                          std::to_string(size));
        result.reader->seek(range->first);
        result.reader->limit(range->last + 1);
        r.stream_length = range->last - range->first + 1;
    } else {
        r.stream_length = size;
    }
    if (head) co_return r;
    if (!range && result.inline_body.size() == size) {
        r.body = std::move(result.inline_body);
        r.stream_length = 0;
        co_return r;
    }
    r.stream = std::make_unique<reader_source>(std::move(result.reader));
    co_return r;
}

asio::awaitable<service_response> delete_object(request_context& ctx) {
    app& a = ctx.application;
    auto t = target_of(ctx);
    if (auto refused = authorize_object(ctx, t, "s3:DeleteObject")) co_return service_response::from_error(*refused);
    auto remove_object = [&a, t] { return a.store().remove(t.bucket, t.key); };
    auto ec = co_await offload(a.blocking_pool(), remove_object);
    if (ec) co_return service_response::from_error(internal_error("cannot remove the object: " + ec.message()));
    service_response r;
    r.status = 204;
    co_return r;
}

}  // namespace localaws::s3
