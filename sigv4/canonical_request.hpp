#pragma once
// The canonical request, step 1 of SigV4:
//
//   METHOD \n CANONICAL_URI \n CANONICAL_QUERY \n CANONICAL_HEADERS \n SIGNED_HEADERS \n PAYLOAD_HASH
//
// A pure function of its input, shared by the signer and by servers that verify signatures
// (localaws): both sides must build the very same bytes.

#include "sigv4/http_request.hpp"

#include <span>
#include <string>
#include <string_view>

namespace shiftsync::sigv4 {

// A decoded query parameter added by the signer itself (the X-Amz-* parameters of a presigned URL).
struct query_param {
    std::string_view name;
    std::string_view value;
};

// How the path enters the canonical request. Every AWS service but S3 removes dot segments and
// encodes the path once more on top of its wire encoding ("double encoding"); S3 signs the path
// exactly as sent.
struct path_rules {
    bool normalize = true;
    bool encode = true;

    static constexpr path_rules aws_service() { return {true, true}; }
    static constexpr path_rules s3() { return {false, false}; }
};

struct canonical_request_input {
    std::string_view method;
    std::string_view path;   // as sent
    std::string_view query;  // as sent, no '?': each key and value is decoded, then encoded per RFC 3986
    std::span<const query_param> extra_query;  // decoded; merged in before sorting
    std::string_view omit_query_param;         // a verifier leaves X-Amz-Signature out
    std::span<const header_view> headers;      // exactly the headers to sign, any case and order
    std::string_view payload_hash;             // hex SHA-256, UNSIGNED-PAYLOAD, STREAMING-...
    path_rules rules;
};

// Writes the canonical request into `out` and the signed-header list ("host;x-amz-date") into
// `signed_headers`; both are cleared first, their capacity reused.
void build_canonical_request(const canonical_request_input& in, std::string& out, std::string& signed_headers);

// Only the signed-header list ("host;x-amz-date"): a presigned URL carries it as a parameter.
void build_signed_headers(std::span<const header_view> headers, std::string& out);

// Pieces, exposed for tests and tools.
void append_canonical_uri(std::string& out, std::string_view path, path_rules rules);
void append_canonical_query(std::string& out, std::string_view query, std::span<const query_param> extra,
                            std::string_view omit = {});

}  // namespace shiftsync::sigv4
