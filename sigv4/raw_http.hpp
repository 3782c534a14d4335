#pragma once
// The plain-text form of an HTTP request ("GET /path?q HTTP/1.1\nHost:x\n\nbody"), as AWS's test
// suite writes it and as `shiftsync sign` reads it on stdin: parse it, and print it back signed.
// Lenient on purpose: the request line's target may contain spaces, line ends may be LF or CRLF,
// and a header line starting with white space continues the previous header (obs-fold).

#include "sigv4/http_request.hpp"
#include "sigv4/signer.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace shiftsync::sigv4 {

struct raw_http_request {
    http_request request;                   // folded header lines joined with a space
    std::string version;                    // "HTTP/1.1"
    std::vector<std::string> header_lines;  // verbatim, to print the request back unchanged
    bool crlf = false;                      // the request line ended with CR LF: printed back so
};

std::optional<raw_http_request> parse_raw_http_request(std::string_view text, std::string& error);

// The request with the signature applied, in the same text form and line ends: the query gains
// `query_to_add` (presigned form), the headers gain `headers_to_add` (header form). Read back, it
// is the same request plus those (a line whose text ends in CR gets CR LF, whatever the style,
// so that reading it back removes only the line end).
std::string render_signed_request(const raw_http_request& raw, const signature& sig);

}  // namespace shiftsync::sigv4
