#include "sigv4/signer.hpp"

#include "sigv4/uri_encoding.hpp"

#include <array>
#include <charconv>

namespace shiftsync::sigv4 {
namespace {

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z') x = static_cast<char>(x + 32);
        if (y >= 'A' && y <= 'Z') y = static_cast<char>(y + 32);
        if (x != y) return false;
    }
    return true;
}

// The signer's own headers: dropped from the input so that a retried request is re-signed cleanly.
bool is_signer_header(std::string_view name) {
    return iequals(name, "authorization") || iequals(name, "x-amz-date") || iequals(name, "x-amz-security-token");
}

void make_scope(signature& out, std::string_view region, std::string_view service) {
    out.scope.clear();
    out.scope.append(out.amz_date, 0, 8);
    out.scope.push_back('/');
    out.scope.append(region);
    out.scope.push_back('/');
    out.scope.append(service);
    out.scope.append("/aws4_request");
}

std::string_view payload_or_empty(std::string_view hash) { return hash.empty() ? empty_payload_sha256 : hash; }

}  // namespace

bool is_unsigned_header(std::string_view name) {
    static constexpr std::array<std::string_view, 12> names = {
        "connection", "expect",  "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
        "trailer",    "transfer-encoding", "upgrade", "user-agent", "x-amzn-trace-id", "authorization"};
    for (auto n : names)
        if (iequals(name, n)) return true;
    return false;
}

void build_string_to_sign(std::string& out, std::string_view amz_date, std::string_view scope,
                          std::string_view canonical_request) {
    out.clear();
    out.append(algorithm);
    out.push_back('\n');
    out.append(amz_date);
    out.push_back('\n');
    out.append(scope);
    out.push_back('\n');
    digest h = sha256_of(canonical_request);
    append_hex(out, h);
}

void signer::finish(const hmac_key& key, signature& out) {
    build_string_to_sign(out.string_to_sign, out.amz_date, out.scope, out.canonical_request);
    digest sig = key.sign(out.string_to_sign);
    out.signature_hex.clear();
    append_hex(out.signature_hex, sig);
}

sign_error signer::sign(const request_view& request, const credentials& creds, const signing_options& options,
                        signature& out) {
    if (creds.access_key_id.empty() || creds.secret_access_key.empty()) return sign_error::missing_credentials;
    set_amz_date(out.amz_date, options.time);
    make_scope(out, options.region, options.service);
    std::string_view payload = payload_or_empty(options.payload_hash);
    bool has_token = !creds.session_token.empty();

    headers_.clear();
    for (const auto& h : request.headers) {
        if (is_unsigned_header(h.name) || is_signer_header(h.name)) continue;
        if (options.add_content_sha256_header && iequals(h.name, "x-amz-content-sha256")) continue;
        headers_.push_back(h);
    }
    headers_.push_back({"X-Amz-Date", out.amz_date});
    if (has_token && options.sign_session_token) headers_.push_back({"X-Amz-Security-Token", creds.session_token});
    if (options.add_content_sha256_header) headers_.push_back({"x-amz-content-sha256", payload});

    canonical_request_input in{.method = request.method,
                               .path = request.path,
                               .query = request.query,
                               .extra_query = {},
                               .omit_query_param = {},
                               .headers = headers_,
                               .payload_hash = payload,
                               .rules = options.path};
    build_canonical_request(in, out.canonical_request, out.signed_headers);
    finish(keys_.get(creds.secret_access_key, std::string_view(out.amz_date).substr(0, 8), options.region,
                     options.service),
           out);

    // Assign into the previous call's strings: their capacity is reused, nothing is allocated.
    std::size_t n = 0;
    auto add = [&](std::string_view name, std::string_view value) -> std::string& {
        if (out.headers_to_add.size() <= n) out.headers_to_add.emplace_back();
        header_field& h = out.headers_to_add[n++];
        h.name.assign(name);
        h.value.assign(value);
        return h.value;
    };
    if (has_token) add("X-Amz-Security-Token", creds.session_token);
    add("X-Amz-Date", out.amz_date);
    if (options.add_content_sha256_header) add("x-amz-content-sha256", payload);
    std::string& auth = add("Authorization", algorithm);
    auth.append(" Credential=").append(creds.access_key_id).push_back('/');
    auth.append(out.scope).append(", SignedHeaders=").append(out.signed_headers);
    auth.append(", Signature=").append(out.signature_hex);
    out.headers_to_add.resize(n);
    out.query_to_add.clear();
    return sign_error::none;
}

sign_error signer::presign(const request_view& request, const credentials& creds, const signing_options& options,
                           signature& out) {
    if (creds.access_key_id.empty() || creds.secret_access_key.empty()) return sign_error::missing_credentials;
    if (options.expires.count() < 1 || options.expires > max_presign_expiry) return sign_error::bad_expiry;
    set_amz_date(out.amz_date, options.time);
    make_scope(out, options.region, options.service);
    std::string_view payload = payload_or_empty(options.payload_hash);

    headers_.clear();
    for (const auto& h : request.headers) {
        if (is_unsigned_header(h.name) || is_signer_header(h.name)) continue;
        headers_.push_back(h);
    }
    // The signed-header list is itself a signed query parameter, so compute it first.
    build_signed_headers(headers_, signed_headers_);
    const std::string& signed_headers = signed_headers_;
    std::string credential = creds.access_key_id + "/" + out.scope;
    char expires_text[24];
    auto [end, ec] = std::to_chars(expires_text, expires_text + sizeof expires_text, options.expires.count());
    std::string_view expires(expires_text, static_cast<std::size_t>(end - expires_text));
    bool token_signed = !creds.session_token.empty() && options.sign_session_token;

    std::array<query_param, 6> params{{{"X-Amz-Algorithm", algorithm},
                                       {"X-Amz-Credential", credential},
                                       {"X-Amz-Date", out.amz_date},
                                       {"X-Amz-Expires", expires},
                                       {"X-Amz-SignedHeaders", signed_headers},
                                       {"X-Amz-Security-Token", creds.session_token}}};
    canonical_request_input in{.method = request.method,
                               .path = request.path,
                               .query = request.query,
                               .extra_query = std::span<const query_param>(params.data(), token_signed ? 6 : 5),
                               .omit_query_param = {},
                               .headers = headers_,
                               .payload_hash = payload,
                               .rules = options.path};
    build_canonical_request(in, out.canonical_request, out.signed_headers);
    finish(keys_.get(creds.secret_access_key, std::string_view(out.amz_date).substr(0, 8), options.region,
                     options.service),
           out);

    // The order AWS's own tools write them in; servers accept any order.
    out.query_to_add.clear();
    auto add = [&](std::string_view name, std::string_view value) {
        if (!out.query_to_add.empty()) out.query_to_add.push_back('&');
        out.query_to_add.append(name).push_back('=');
        append_uri_encoded(out.query_to_add, value);
    };
    add("X-Amz-Algorithm", algorithm);
    add("X-Amz-Credential", credential);
    add("X-Amz-Date", out.amz_date);
    add("X-Amz-SignedHeaders", signed_headers);
    add("X-Amz-Expires", expires);
    if (!creds.session_token.empty()) add("X-Amz-Security-Token", creds.session_token);
    add("X-Amz-Signature", out.signature_hex);
    out.headers_to_add.clear();
    return sign_error::none;
}

}  // namespace shiftsync::sigv4
