#include "tools/localaws/auth/verifier.hpp"

#include "tools/localaws/auth/sigv2_presign.hpp"
#include "sigv4/amz_date.hpp"
#include "sigv4/authorization.hpp"
#include "sigv4/canonical_request.hpp"
#include "sigv4/sha256.hpp"
#include "sigv4/signer.hpp"
#include "sigv4/signing_key.hpp"
#include "sigv4/uri_encoding.hpp"

#include <algorithm>
#include <vector>

namespace localaws::auth {
namespace sv = shiftsync::sigv4;
namespace {

bool has_presign_params(std::string_view query) {
    return query.find("X-Amz-Signature=") != std::string_view::npos ||
           query.find("X-Amz-Credential=") != std::string_view::npos;
}

verified_request fail(failure why, std::string detail = {}) {
    verified_request v;
    v.why = why;
    v.detail = std::move(detail);
    return v;
}

// The signing key cache is not thread-safe: one per thread that verifies.
sv::signing_key_cache& key_cache() {
    thread_local sv::signing_key_cache cache(32);
    return cache;
}

}  // namespace

std::string scope_service(std::string_view authorization_header, std::string_view raw_query) {
    std::string error;
    if (!authorization_header.empty()) {
        if (auto p = sv::parse_authorization_header(authorization_header, error)) return p->credential.service;
        return {};
    }
    // Presigned: only X-Amz-Credential matters here ("AKID/date/region/service/aws4_request"); the
    // rest of the query (a long session token) is decoded once, later, by verify().
    auto at = raw_query.find("X-Amz-Credential=");
    if (at == std::string_view::npos || (at > 0 && raw_query[at - 1] != '&')) return {};
    auto value = raw_query.substr(at + 17);
    value = value.substr(0, value.find('&'));
    std::string credential = sv::percent_decode(value);
    std::string_view rest = credential;
    for (int skip = 0; skip < 3; ++skip) {
        auto slash = rest.find('/');
        if (slash == std::string_view::npos) return {};
        rest.remove_prefix(slash + 1);
    }
    return std::string(rest.substr(0, rest.find('/')));
}

failure check_session_token(const iam::key_record& key, std::string_view presented,
                            std::chrono::system_clock::time_point now) {
    if (key.session_token.empty()) return failure::none;
    if (presented != key.session_token) return failure::bad_token;
    if (now >= key.who.expiration) return failure::expired_token;
    return failure::none;
}

verified_request verify(const verify_input& in, const iam::directory& directory) {
    const header_list& headers = *in.headers;
    std::string error;
    std::optional<sv::parsed_authorization> auth;
    bool presigned = false;
    std::string amz_date, token;
    if (const auto* h = headers.find("authorization")) {
        auth = sv::parse_authorization_header(*h, error);
        if (!auth) return fail(failure::malformed, error);
        amz_date = headers.get("x-amz-date");
        token = headers.get("x-amz-security-token");
    } else if (has_presign_params(in.raw_query)) {
        auth = sv::parse_presigned_query(in.raw_query, error);
        if (!auth) return fail(failure::malformed, error);
        presigned = true;
        amz_date = auth->amz_date;
        token = auth->security_token;
    } else if (in.s3 && is_sigv2_presigned(in.raw_query)) {
        return verify_sigv2_presigned(in, directory);
    } else {
        return fail(failure::missing);
    }
    const auto& scope = auth->credential;
    auto request_time = sv::parse_amz_date(amz_date);
    if (!request_time) return fail(failure::malformed, "X-Amz-Date is missing or not YYYYMMDDTHHMMSSZ");
    if (amz_date.substr(0, 8) != scope.date)
        return fail(failure::malformed, "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP");
    if (std::find(auth->signed_headers.begin(), auth->signed_headers.end(), "host") == auth->signed_headers.end())
        return fail(failure::malformed, "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");

    verified_request v;
    v.access_key_id = scope.access_key_id;
    v.amz_date = amz_date;
    v.service = scope.service;
    auto key = directory.find_key(scope.access_key_id);
    if (!key) {
        v.why = failure::unknown_key;
        return v;
    }
    v.region = scope.region;
    if (!in.region.empty() && scope.region != in.region) {
        v.why = failure::wrong_region;
        v.detail = scope.region;
        v.expected_region = std::string(in.region);
        return v;
    }

    // Time: presigned URLs expire at X-Amz-Date + X-Amz-Expires; header-signed requests must be
    // within the skew of the wall clock (clients sign with their real clock).
    if (presigned) {
        if (auth->expires_seconds < 1 || auth->expires_seconds > 604800)
            return fail(failure::malformed, "X-Amz-Expires must be between 1 and 604800 seconds");
        if (in.shifted_now > *request_time + std::chrono::seconds(auth->expires_seconds)) {
            v.why = failure::presign_expired;
            v.detail = std::to_string(auth->expires_seconds);
            return v;
        }
    } else {
        auto skew = in.wall_now > *request_time ? in.wall_now - *request_time : *request_time - in.wall_now;
        if (skew > in.max_skew) {
            v.why = failure::time_skewed;
            return v;
        }
    }

    // The payload hash that entered the signature.
    std::string_view payload_hash;
    if (in.s3) {
        if (presigned) {
            payload_hash = sv::unsigned_payload;
        } else {
            const auto* declared = headers.find("x-amz-content-sha256");
            if (!declared) {
                v.why = failure::missing_content_sha256;
                return v;
            }
            payload_hash = *declared;
        }
    } else {
        payload_hash = in.body_sha256_hex;
    }

    std::vector<sv::header_view> signed_values;
    for (const auto& name : auth->signed_headers)
        for (const auto& [n, value] : headers.items)
            if (n == name) signed_values.push_back({n, value});

    sv::canonical_request_input cin{.method = in.method,
                                    .path = in.raw_path,
                                    .query = in.raw_query,
                                    .extra_query = {},
                                    .omit_query_param = presigned ? "X-Amz-Signature" : "",
                                    .headers = signed_values,
                                    .payload_hash = payload_hash,
                                    .rules = in.s3 ? sv::path_rules::s3() : sv::path_rules::aws_service()};
    std::string signed_list;
    sv::build_canonical_request(cin, v.canonical_request, signed_list);
    const auto& hmac = key_cache().get(key->secret, scope.date, scope.region, scope.service);
    std::string expected = sv::compute_signature(hmac, amz_date, scope.scope(), v.canonical_request, &v.string_to_sign);
    if (!sv::signatures_equal(expected, auth->signature)) {
        v.why = failure::signature_mismatch;
        return v;
    }

    v.why = check_session_token(*key, token, in.shifted_now);
    if (v.why != failure::none) return v;
    v.who = std::move(key->who);
    v.payload_hash = std::string(payload_hash);
    if (in.s3 && payload_hash == sv::streaming_payload)
        v.chunked = chunk_seed{amz_date,       scope.scope(), auth->signature, key->secret,
                               scope.region,   scope.service, scope.date};
    return v;
}

}  // namespace localaws::auth
