#pragma once
// Reading a signature back: the parts of an Authorization header or of a presigned URL's query, and
// the signature a request should carry. This is what a server (localaws) needs to verify SigV4; it
// shares build_canonical_request with the signer so that both sides agree byte for byte.

#include "sigv4/canonical_request.hpp"
#include "sigv4/signing_key.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace shiftsync::sigv4 {

struct credential_scope {
    std::string access_key_id;
    std::string date;     // YYYYMMDD
    std::string region;
    std::string service;
    std::string terminator;  // must be "aws4_request"

    std::string scope() const { return date + "/" + region + "/" + service + "/" + terminator; }
};

struct parsed_authorization {
    credential_scope credential;
    std::vector<std::string> signed_headers;  // lower-case, as listed
    std::string signature;                    // hex
    // Presigned form only:
    std::string amz_date;                     // X-Amz-Date
    long long expires_seconds = 0;            // X-Amz-Expires
    std::string security_token;               // X-Amz-Security-Token, decoded
};

// "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/service/aws4_request,
//  SignedHeaders=host;x-amz-date, Signature=<hex>". On failure returns nullopt and says why in
// `error` (a message fit for a client: it never repeats the signature).
std::optional<parsed_authorization> parse_authorization_header(std::string_view header, std::string& error);

// The X-Amz-* parameters of a presigned URL's query (as sent).
std::optional<parsed_authorization> parse_presigned_query(std::string_view query, std::string& error);

// The hex signature for a canonical request: string to sign, then HMAC with the scope's key.
// Also returns the string to sign, which AWS echoes in SignatureDoesNotMatch errors.
std::string compute_signature(const hmac_key& signing_key, std::string_view amz_date, std::string_view scope,
                              std::string_view canonical_request, std::string* string_to_sign = nullptr);

// Constant-time comparison of two hex signatures.
bool signatures_equal(std::string_view a, std::string_view b);

}  // namespace shiftsync::sigv4
