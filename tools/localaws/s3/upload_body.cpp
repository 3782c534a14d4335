#include "tools/localaws/s3/upload_body.hpp"

#include "tools/localaws/server/app.hpp"
#include "tools/localaws/server/blocking.hpp"

#include <vector>

namespace localaws::s3 {
namespace asio = boost::asio;
namespace {

constexpr std::size_t chunk_size = 1024 * 1024;

aws_error bad_digest(std::string what) {
    return {400, "BadDigest", "The " + what + " you specified did not match the calculated checksum.", {}, true};
}

struct digests {
    digester md5{digester::kind::md5};
    std::optional<digester> extra;
};

}  // namespace

checksum_algorithm requested_algorithm(const request_context& ctx, checksum_algorithm fallback) {
    for (auto alg : {checksum_algorithm::crc32, checksum_algorithm::crc32c, checksum_algorithm::sha1,
                     checksum_algorithm::sha256})
        if (ctx.headers.find(checksum_header(alg))) return alg;
    if (auto trailer = ctx.headers.get("x-amz-trailer"); trailer.starts_with("x-amz-checksum-"))
        if (auto alg = parse_checksum_algorithm(trailer.substr(15))) return *alg;
    if (auto sdk = ctx.headers.get("x-amz-sdk-checksum-algorithm"); !sdk.empty())
        if (auto alg = parse_checksum_algorithm(sdk)) return *alg;
    return fallback;
}

std::optional<aws_error> check_content_md5(const request_context& ctx, std::string_view body, bool required) {
    const auto* header = ctx.headers.find("content-md5");
    if (!header) {
        if (!required) return std::nullopt;
        for (auto alg : {checksum_algorithm::crc32, checksum_algorithm::crc32c, checksum_algorithm::sha1,
                         checksum_algorithm::sha256})
            if (const auto* sum = ctx.headers.find(checksum_header(alg))) {
                digester d(digester_kind(alg));
                d.update(std::as_bytes(std::span(body)));
                if (base64_encode(d.finish()) != *sum) return bad_digest(std::string(algorithm_name(alg)));
                return std::nullopt;
            }
        return aws_error{400, "InvalidRequest", "Missing required header for this request: Content-MD5", {}, true};
    }
    auto raw = base64_decode(*header);
    if (!raw || raw->size() != 16)
        return aws_error{400, "InvalidDigest", "The Content-MD5 you specified was invalid.", {}, true};
    digester d(digester::kind::md5);
    d.update(std::as_bytes(std::span(body)));
    if (d.finish() != *raw)
        return aws_error{400, "BadDigest", "The Content-MD5 you specified did not match what we received.", {}, true};
    return std::nullopt;
}

asio::awaitable<received_body> receive_body(request_context& ctx, checksum_algorithm algorithm,
                                            const std::function<std::error_code(std::span<const std::byte>)>& sink) {
    received_body out;
    out.algorithm = algorithm;
    std::optional<std::string> content_md5;
    if (const auto* h = ctx.headers.find("content-md5")) {
        auto raw = base64_decode(*h);
        if (!raw || raw->size() != 16) {
            out.error = aws_error{400, "InvalidDigest", "The Content-MD5 you specified was invalid.", {}, true};
            co_return out;
        }
        content_md5 = *raw;
    }
    auto state = std::make_shared<digests>();
    if (algorithm != checksum_algorithm::none) state->extra.emplace(digester_kind(algorithm));
    auto buffer = std::make_shared<std::vector<std::byte>>(chunk_size);
    auto& pool = ctx.application.blocking_pool();
    for (;;) {
        // Fill the whole chunk before handing it to the pool: a socket read returns what one
        // segment brought (often 64 KiB), and a pool round trip per segment costs more in
        // thread switches than the hashing it moves off the network thread.
        std::optional<aws_error> error;
        std::size_t n = 0;
        for (;;) {
            std::size_t got = co_await ctx.body_stream->read(std::span(*buffer).subspan(n), error);
            if (error) break;
            n += got;
            if (got == 0 || n == buffer->size()) break;
        }
        if (error) {
            out.error = std::move(error);
            co_return out;
        }
        if (n == 0) break;
        out.size += n;
        auto write_chunk = [state, buffer, n, &sink] {
            std::span<const std::byte> data(buffer->data(), n);
            state->md5.update(data);
            if (state->extra) state->extra->update(data);
            return sink(data);
        };
        auto ec = co_await offload(pool, write_chunk);
        if (ec) {
            out.error = aws_error{500, "InternalError", "We encountered an internal error. Please try again.", {}, false};
            co_return out;
        }
    }
    ctx.bytes_in = out.size;
    if (auto declared = ctx.body_stream->declared_length(); declared && *declared != out.size) {
        out.error = aws_error{400, "IncompleteBody",
                              "You did not provide the number of bytes specified by the Content-Length HTTP header", {}, true};
        co_return out;
    }
    std::string md5 = state->md5.finish();
    out.etag = "\"" + hex_encode(md5) + "\"";
    if (content_md5 && *content_md5 != md5) {
        out.error = aws_error{400, "BadDigest", "The Content-MD5 you specified did not match what we received.", {}, true};
        co_return out;
    }
    if (state->extra) {
        out.checksum = base64_encode(state->extra->finish());
        std::string header(checksum_header(algorithm));
        std::string expected = ctx.headers.get(header).empty() ? ctx.body_stream->trailer(header)
                                                               : std::string(ctx.headers.get(header));
        if (!expected.empty() && expected != out.checksum) {
            out.error = bad_digest(std::string(algorithm_name(algorithm)));
            co_return out;
        }
    }
    co_return out;
}

}  // namespace localaws::s3
