// The plain-text HTTP request parser and printer of `shiftsync sign` and the AWS test suite's
// request files (sigv4/raw_http.hpp), with the signer between them as `shiftsync sign` runs it.
// Checked beyond "no crash":
//   - a refusal says why; what parses keeps every header line and its body is the text's tail;
//   - the signed request as printed, read back, is the same request plus exactly what the
//     signature added (its headers after the others, its query parameters after the query), so
//     whoever sends the printed text sends what was signed.
//
// Input: byte 0 = presigned (1), S3 (2), with a session token (4); then the request text.

#include "sigv4/raw_http.hpp"
#include "sigv4/signer.hpp"
#include "tests/fuzz/fuzz_input.hpp"

#include <cstdlib>
#include <string>
#include <vector>

namespace sv = shiftsync::sigv4;
using namespace std::chrono_literals;

namespace {

void check(bool ok) {
    if (!ok) std::abort();
}

bool same_headers(const std::vector<sv::header_field>& a, const std::vector<sv::header_field>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (a[i].name != b[i].name || a[i].value != b[i].value) return false;
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    shiftsync::fuzz::fuzz_input in(data, size);
    const std::uint8_t choice = in.byte();
    const std::string_view text = in.rest();

    std::string error;
    auto raw = sv::parse_raw_http_request(text, error);
    if (!raw) {
        check(!error.empty());
        return 0;
    }
    check(raw->header_lines.size() >= raw->request.headers.size());
    check(text.ends_with(raw->request.body));

    const bool presign = (choice & 1) != 0, s3 = (choice & 2) != 0;
    const sv::credentials creds{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                                (choice & 4) != 0 ? "session/token+with=odd&chars" : ""};
    const auto when = std::chrono::sys_days{std::chrono::year{2015} / 8 / 30} + 12h + 36min;
    auto options = s3 ? sv::signing_options::for_s3("us-east-1", when)
                      : sv::signing_options::for_service("service", "us-east-1", when);
    sv::signer signer;
    sv::signature sig;
    std::vector<sv::header_view> scratch;
    const auto result = presign ? signer.presign(raw->request.view(scratch), creds, options, sig)
                                : signer.sign(raw->request.view(scratch), creds, options, sig);
    check(result == sv::sign_error::none);

    const std::string printed = sv::render_signed_request(*raw, sig);
    auto back = sv::parse_raw_http_request(printed, error);
    check(back.has_value());
    check(back->request.method == raw->request.method);
    check(back->request.path == raw->request.path);
    check(back->version == raw->version);
    std::string query = raw->request.query;
    if (!query.empty() && !sig.query_to_add.empty()) query += '&';
    check(back->request.query == query + sig.query_to_add);
    std::vector<sv::header_field> headers = raw->request.headers;
    headers.insert(headers.end(), sig.headers_to_add.begin(), sig.headers_to_add.end());
    check(same_headers(back->request.headers, headers));
    check(back->request.body == raw->request.body);
    return 0;
}
