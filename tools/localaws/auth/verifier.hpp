#pragma once
// SigV4 verification of one request, sans-IO: the headers (and, outside S3, the body's hash) in,
// the authenticated principal or the reason for refusal out. Uses sigv4/ to rebuild exactly the
// canonical request the client signed.
//
// S3 differs from every other service in three ways handled here: the path is signed as sent
// (path_rules::s3), the payload hash is whatever x-amz-content-sha256 says (the body is checked
// against it later, while streaming), and STREAMING-* payloads carry chunk signatures that chain on
// the seed signature returned in verified_request::chunk_seed.

#include "tools/localaws/iam/directory.hpp"
#include "tools/localaws/server/request.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace localaws::auth {

enum class failure {
    none,
    missing,               // no Authorization header and no presigned query
    malformed,             // unparsable Authorization / presigned query
    unknown_key,           // InvalidAccessKeyId / InvalidClientTokenId / UnrecognizedClient
    bad_token,             // temporary key without (or with a wrong) session token
    expired_token,         // temporary credentials past their expiration
    signature_mismatch,
    time_skewed,           // request time more than the allowed skew from the server's clock
    presign_expired,
    missing_content_sha256,
    wrong_region,
};

struct verify_input {
    std::string_view method;
    std::string_view raw_path;
    std::string_view raw_query;
    const header_list* headers = nullptr;
    bool s3 = false;
    std::string_view body_sha256_hex;  // non-S3: hex SHA-256 of the buffered body
    std::string_view region;  // the region the request must be signed for; empty: any (S3 without a bucket)
    std::chrono::system_clock::time_point wall_now;    // for the skew check: clients sign with real time
    std::chrono::system_clock::time_point shifted_now; // localaws's clock: expiry of tokens, presigned URLs
    std::chrono::seconds max_skew{900};
};

struct chunk_seed {
    std::string amz_date, scope, seed_signature, secret, region, service, date;
};

struct verified_request {
    failure why = failure::none;
    std::string detail;                   // message details (never secrets)
    std::string string_to_sign;           // for SignatureDoesNotMatch (S3 echoes it)
    std::string canonical_request;
    std::string access_key_id;            // as presented
    std::string amz_date;
    iam::principal who;
    std::string payload_hash;             // S3: the declared x-amz-content-sha256 (or UNSIGNED-PAYLOAD)
    std::optional<chunk_seed> chunked;    // S3 STREAMING-AWS4-HMAC-SHA256-PAYLOAD
    std::string service;                  // the credential scope's service
    std::string region;                   // the credential scope's region
    std::string expected_region;          // failure::wrong_region: the region it had to be
};

// The credential scope's service of a request, without verifying anything (for routing).
std::string scope_service(std::string_view authorization_header, std::string_view raw_query);

verified_request verify(const verify_input& in, const iam::directory& directory);

// The check every signature version makes once the signature matched (only then, as in AWS: a
// wrongly signed request learns nothing about its token): a temporary key needs its session token
// (`presented`, empty when absent) and must not have expired. failure::none for long-term keys.
failure check_session_token(const iam::key_record& key, std::string_view presented,
                            std::chrono::system_clock::time_point now);

// The failure rendered as the service's protocol wants it (codes differ between S3, Query and JSON).
enum class error_dialect { s3, query, json };
aws_error to_aws_error(const verified_request& v, error_dialect dialect, std::chrono::system_clock::time_point now);

}  // namespace localaws::auth
