// localaws's SigV4 verifier (tools/localaws/auth/verifier.hpp, with the SigV2 presigned form and
// the error rendering) against a fixed IAM directory: one user with a long-term key and one
// temporary session of a role. Two modes:
//   - signed: the request the input describes is signed by the library's signer (sigv4/signer.hpp,
//     header form or presigned, S3 or another service, long-term or temporary key) exactly as a
//     client sends it. It must verify, as that key's principal, and scope_service must name the
//     service. Then one mutation (a byte of the signature, the path, the query, a header, the
//     body, the method, a header dropped): no crash, and a changed signature never verifies.
//   - raw: method, path, query and headers (Authorization, X-Amz-*, SigV2's query) taken from the
//     input as they are: no crash, and every refusal renders as an error in all three dialects.
//
// Input: byte 0 = mode bits (1 S3, 2 presigned, 4 temporary key, 8 raw) and the mutation (high
// nibble); byte 1 = where the mutation lands; then NUL-separated fields: method, path, query, body,
// then header name/value pairs.

#include "sigv4/sha256.hpp"
#include "sigv4/signer.hpp"
#include "tests/fuzz/fuzz_input.hpp"
#include "tools/localaws/auth/verifier.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

namespace sv = shiftsync::sigv4;
namespace auth = localaws::auth;
using namespace std::chrono_literals;

namespace {

void check(bool ok) {
    if (!ok) std::abort();
}

// 2026-12-02T12:00:00Z: the signing time and localaws's clock (no skew, presigned URLs fresh).
const auto now = std::chrono::sys_days{std::chrono::year{2026} / 12 / 2} + 12h;

constexpr const char* directory_json = R"({
  "accounts": [{
    "id": "111122223333",
    "users": [{"name": "fuzz", "access_keys": [{"id": "AKIAFUZZEXAMPLE00001", "secret": "fuzz/Secret+Key=EXAMPLE"}],
               "policies": []}],
    "roles": [{"name": "fuzz-role", "max_session_duration": 3600,
               "trust_policy": {"Version": "2012-10-17", "Statement": [
                 {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "sts:AssumeRole"}]},
               "policies": []}]
  }]
})";

struct fixture {
    std::unique_ptr<localaws::iam::directory> directory;
    sv::credentials user;
    sv::credentials session;
};

const fixture& the_fixture() {
    static const fixture f = [] {
        fixture out;
        std::string error;
        out.directory = localaws::iam::directory::load(boost::json::parse(directory_json), error);
        check(out.directory != nullptr);
        out.user = {"AKIAFUZZEXAMPLE00001", "fuzz/Secret+Key=EXAMPLE", ""};
        auto issued = out.directory->issue_session(*out.directory->roles().front(), "fuzz-session", 3600s, now);
        out.session = {issued.access_key_id, issued.secret, issued.session_token};
        return out;
    }();
    return f;
}

bool token_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

// What a client signs: a header an HTTP server would accept (a token name; a value without CR,
// LF or NUL), and none of the headers the signer adds itself.
bool sendable(std::string_view name, std::string_view value) {
    if (name.empty() || !std::all_of(name.begin(), name.end(), token_char)) return false;
    if (value.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos) return false;
    const std::string n = lower(name);
    return n != "host" && n != "authorization" && n != "x-amz-date" && n != "x-amz-security-token" &&
           n != "x-amz-content-sha256";
}

struct wire_request {
    std::string method, path, query, body;
    localaws::header_list headers;  // as localaws's session hands them over: names lower-cased
};

auth::verified_request verify(const wire_request& r, bool s3, std::chrono::system_clock::time_point at) {
    std::string body_hash;
    sv::append_hex(body_hash, sv::sha256_of(r.body));
    const auth::verify_input in{.method = r.method,
                                .raw_path = r.path,
                                .raw_query = r.query,
                                .headers = &r.headers,
                                .s3 = s3,
                                .body_sha256_hex = body_hash,
                                .region = "us-east-1",
                                .wall_now = at,
                                .shifted_now = at,
                                .max_skew = 900s};
    return auth::verify(in, *the_fixture().directory);
}

// Every refusal renders in each protocol's terms: a status that is an error and a code.
void check_rendering(const auth::verified_request& v) {
    if (v.why == auth::failure::none) return;
    for (auto dialect : {auth::error_dialect::s3, auth::error_dialect::query, auth::error_dialect::json}) {
        const auto e = auth::to_aws_error(v, dialect, now);
        check(e.status >= 400 && !e.code.empty());
    }
}

void flip(std::string& s, std::size_t at) {
    if (s.empty()) return;
    char& c = s[at % s.size()];
    c = static_cast<char>(c ^ 0x01);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    shiftsync::fuzz::fuzz_input in(data, size);
    const std::uint8_t mode = in.byte();
    const std::uint8_t where = in.byte();
    const bool s3 = (mode & 1) != 0, presign = (mode & 2) != 0, temporary = (mode & 4) != 0, raw = (mode & 8) != 0;
    const unsigned mutation = mode >> 4;

    wire_request r;
    r.method = std::string(in.until_nul());
    r.path = std::string(in.until_nul());
    r.query = std::string(in.until_nul());
    r.body = std::string(in.until_nul());
    sv::http_request to_sign{r.method, r.path, r.query, {{"Host", "127.0.0.1:4566"}}, r.body};
    while (!in.rest().empty()) {
        const auto name = in.until_nul();
        const auto value = in.until_nul();
        if (raw)
            r.headers.items.emplace_back(lower(name), std::string(value));
        else if (sendable(name, value))
            to_sign.headers.push_back({std::string(name), std::string(value)});
    }

    if (raw) {
        const auto v = verify(r, s3, now);
        check_rendering(v);
        (void)auth::scope_service(r.headers.get("authorization"), r.query);
        return 0;
    }

    const fixture& f = the_fixture();
    const sv::credentials& creds = temporary ? f.session : f.user;
    auto options =
        s3 ? sv::signing_options::for_s3("us-east-1", now) : sv::signing_options::for_service("sts", "us-east-1", now);
    std::string body_hash;
    sv::append_hex(body_hash, sv::sha256_of(r.body));
    if (!s3) options.payload_hash = body_hash;
    sv::signer signer;
    sv::signature sig;
    std::vector<sv::header_view> scratch;
    const auto signed_ok = presign ? signer.presign(to_sign.view(scratch), creds, options, sig)
                                   : signer.sign(to_sign.view(scratch), creds, options, sig);
    check(signed_ok == sv::sign_error::none);
    if (presign) r.query += (r.query.empty() ? "" : "&") + sig.query_to_add;
    for (const auto& h : to_sign.headers) r.headers.items.emplace_back(lower(h.name), h.value);
    for (const auto& h : sig.headers_to_add) r.headers.items.emplace_back(lower(h.name), h.value);

    // The client's own X-Amz-* query parameters would be read as the presigned URL's.
    const bool query_is_clients = to_sign.query.find("X-Amz-") == std::string::npos;
    const auto v = verify(r, s3, now);
    if (!presign || query_is_clients) {
        check(v.why == auth::failure::none);
        check(v.access_key_id == creds.access_key_id && !v.who.arn.empty());
        check(v.service == (s3 ? "s3" : "sts"));
        check(auth::scope_service(r.headers.get("authorization"), r.query) == v.service);
    }

    // One mutation of what was sent.
    bool signature_changed = false;
    switch (mutation % 8) {
        case 0:
            return 0;
        case 1:  // a byte of the signature itself (hex: flipping the low bit gives another character)
            if (presign) {
                const auto at = r.query.rfind("X-Amz-Signature=");
                flip(r.query, at + 16 + where % 64);
            } else {
                for (auto& [n, value] : r.headers.items)
                    if (n == "authorization") flip(value, value.size() - 1 - where % 64);
            }
            signature_changed = true;
            break;
        case 2:
            flip(r.path, where);
            break;
        case 3:
            flip(r.query, where);
            break;
        case 4:
            if (!r.headers.items.empty()) flip(r.headers.items[where % r.headers.items.size()].second, where / 7);
            break;
        case 5:
            if (!r.headers.items.empty())
                r.headers.items.erase(r.headers.items.begin() + where % r.headers.items.size());
            break;
        case 6:
            flip(r.method, where);
            break;
        case 7:
            r.body.push_back(static_cast<char>(where));
            break;
    }
    const auto mutated = verify(r, s3, now + std::chrono::seconds(where));
    check_rendering(mutated);
    if (signature_changed) check(mutated.why != auth::failure::none);
    return 0;
}
