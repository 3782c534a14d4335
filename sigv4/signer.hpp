#pragma once
// Signs requests with AWS Signature Version 4, in the Authorization-header form and as presigned
// URLs. Sans-IO: it reads a request view and produces what to add to it; it sends nothing.
//
// Thread safety: a signer caches signing keys and reuses scratch buffers, so use one per thread
// (or per strand). Header-form signing allocates nothing once the `signature` object passed in is
// warm (presigning allocates a little).

#include "sigv4/amz_date.hpp"
#include "sigv4/canonical_request.hpp"
#include "sigv4/credentials.hpp"
#include "sigv4/http_request.hpp"
#include "sigv4/signing_key.hpp"

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace shiftsync::sigv4 {

inline constexpr std::string_view algorithm = "AWS4-HMAC-SHA256";
inline constexpr std::string_view unsigned_payload = "UNSIGNED-PAYLOAD";
inline constexpr std::string_view streaming_payload = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
inline constexpr std::chrono::seconds max_presign_expiry{7 * 24 * 3600};

struct signing_options {
    std::string_view region;
    std::string_view service;
    clock::time_point time;
    path_rules path = path_rules::aws_service();
    // Hex SHA-256 of the body, UNSIGNED-PAYLOAD or STREAMING-…; empty means "no body".
    std::string_view payload_hash;
    // S3 wants the payload hash repeated in an x-amz-content-sha256 header (header form only).
    bool add_content_sha256_header = false;
    // false: the session token is still sent but left out of the signature (a few services, such as
    // IoT, want it that way).
    bool sign_session_token = true;
    // Presigned URLs only: 1 s to 7 days.
    std::chrono::seconds expires{3600};

    static signing_options for_service(std::string_view service, std::string_view region, clock::time_point t) {
        return {.region = region, .service = service, .time = t};
    }
    static signing_options for_s3(std::string_view region, clock::time_point t) {
        return {.region = region,
                .service = "s3",
                .time = t,
                .path = path_rules::s3(),
                .payload_hash = unsigned_payload,
                .add_content_sha256_header = true};
    }
};

// Everything one signing produced: the intermediate texts (what someone chasing a
// SignatureDoesNotMatch compares with the server's message) and what to add to the request.
struct signature {
    std::string amz_date;           // 20150830T123600Z
    std::string scope;              // 20150830/us-east-1/service/aws4_request
    std::string canonical_request;
    std::string string_to_sign;
    std::string signed_headers;     // host;x-amz-date
    std::string signature_hex;
    // Header form: add these headers, in this order (X-Amz-Security-Token, X-Amz-Date,
    // x-amz-content-sha256, Authorization). Values for the Authorization header are in `authorization`.
    std::vector<header_field> headers_to_add;
    // Presigned form: append this to the query string (after an '&' when the query is not empty).
    std::string query_to_add;
};

enum class sign_error {
    none,
    missing_credentials,  // empty access key id or secret
    bad_expiry,           // presign expiry outside 1 s .. 7 days
};

class signer {
public:
    sign_error sign(const request_view& request, const credentials& creds, const signing_options& options,
                    signature& out);
    sign_error presign(const request_view& request, const credentials& creds, const signing_options& options,
                       signature& out);

    // The ready HMAC key for a scope, from the cache (for chunk signing and verification).
    const hmac_key& key_for(const credentials& creds, std::string_view date, std::string_view region,
                            std::string_view service) {
        return keys_.get(creds.secret_access_key, date, region, service);
    }
    const signing_key_cache& key_cache() const { return keys_; }

private:
    void finish(const hmac_key& key, signature& out);

    signing_key_cache keys_;
    std::vector<header_view> headers_;  // scratch: the headers being signed
    std::string signed_headers_;        // scratch
};

// "AWS4-HMAC-SHA256\n<amz_date>\n<scope>\n<hex sha256 of the canonical request>"
void build_string_to_sign(std::string& out, std::string_view amz_date, std::string_view scope,
                          std::string_view canonical_request);

// Headers that are never signed: hop-by-hop headers a proxy may rewrite, and the ones the signer
// itself sets (a stale copy from an earlier attempt is replaced, not signed).
bool is_unsigned_header(std::string_view name);

}  // namespace shiftsync::sigv4
