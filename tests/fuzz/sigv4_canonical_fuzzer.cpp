// Differential fuzzing of SigV4's canonical request (sigv4/canonical_request.hpp): the optimised
// builder (thread-local scratch, bit tricks for white space, insertion sort) against the
// straightforward reading of the AWS documentation below, written for clarity only. Any
// difference aborts. The signer and localaws's verifier both build these bytes: a difference
// between them is a SignatureDoesNotMatch.
//
// Input: byte 0 = path rules and whether to omit X-Amz-Signature, then NUL-separated fields:
// method, path, query, payload hash, then header name/value pairs, then extra query parameters
// after a field "--".

#include "sigv4/canonical_request.hpp"
#include "tests/fuzz/fuzz_input.hpp"

#include <algorithm>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

namespace sigv4 = shiftsync::sigv4;

namespace {

bool unreserved(unsigned char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
           c == '.' || c == '~';
}

// RFC 3986 encoding: every byte but the unreserved ones as %XX, upper-case hex.
std::string encode(std::string_view s, bool keep_slash) {
    std::string out;
    for (unsigned char c : s) {
        if (unreserved(c) || (keep_slash && c == '/')) {
            out += static_cast<char>(c);
        } else {
            const char* hex = "0123456789ABCDEF";
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

int hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// %XX decoded where XX are two hex digits; anything else kept as it is.
std::string decode(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
            out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

std::vector<std::string_view> split(std::string_view s, char by) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    for (;;) {
        const auto at = s.find(by, start);
        parts.push_back(s.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
        if (at == std::string_view::npos) return parts;
        start = at + 1;
    }
}

// Dot segments removed ("." dropped, ".." drops the segment before), empty segments dropped, the
// leading and trailing slash kept.
std::string normalized(std::string_view path) {
    if (path.empty()) return "/";
    std::vector<std::string_view> kept;
    for (auto segment : split(path, '/')) {
        if (segment == "..") {
            if (!kept.empty()) kept.pop_back();
        } else if (!segment.empty() && segment != ".") {
            kept.push_back(segment);
        }
    }
    std::string out = path.front() == '/' ? "/" : "";
    for (std::size_t i = 0; i < kept.size(); ++i) out += (i ? "/" : "") + std::string(kept[i]);
    if (path.back() == '/' && !kept.empty()) out += '/';
    return out.empty() ? "/" : out;
}

bool space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'; }

// Trimall: no white space at either end, every run inside one space.
std::string trimall(std::string_view v) {
    std::string out;
    bool pending_space = false;
    for (char c : v) {
        if (space(c)) {
            pending_space = !out.empty();
            continue;
        }
        if (pending_space) out += ' ';
        pending_space = false;
        out += c;
    }
    return out;
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

std::string reference(const sigv4::canonical_request_input& in) {
    std::string uri;
    if (in.path.empty())
        uri = "/";
    else if (in.rules.normalize)
        uri = in.rules.encode ? encode(normalized(in.path), true) : normalized(in.path);
    else
        uri = in.rules.encode ? encode(in.path, true) : std::string(in.path);

    std::vector<std::pair<std::string, std::string>> params;
    if (!in.query.empty())
        for (auto pair : split(in.query, '&')) {
            if (pair.empty()) continue;
            const auto eq = pair.find('=');
            const auto key = pair.substr(0, eq);
            const auto value = eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
            if (!in.omit_query_param.empty() && key == in.omit_query_param) continue;
            params.emplace_back(encode(decode(key), false), encode(decode(value), false));
        }
    for (const auto& p : in.extra_query) params.emplace_back(encode(p.name, false), encode(p.value, false));
    std::sort(params.begin(), params.end());
    std::string query;
    for (const auto& [k, v] : params) query += (query.empty() ? "" : "&") + k + "=" + v;

    // Headers by lower-cased name, in sorted order; repeated names keep their order, values joined by ','.
    std::vector<std::pair<std::string, std::string>> headers;
    for (const auto& h : in.headers) headers.emplace_back(lower(h.name), trimall(h.value));
    std::stable_sort(headers.begin(), headers.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::string canonical_headers, signed_headers;
    for (std::size_t i = 0; i < headers.size(); ++i) {
        if (i > 0 && headers[i].first == headers[i - 1].first) {
            canonical_headers.back() = ',';
        } else {
            canonical_headers += headers[i].first + ":";
            signed_headers += (signed_headers.empty() ? "" : ";") + headers[i].first;
        }
        canonical_headers += headers[i].second + "\n";
    }
    return std::string(in.method) + "\n" + uri + "\n" + query + "\n" + canonical_headers + "\n" + signed_headers + "\n" +
           std::string(in.payload_hash);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    shiftsync::fuzz::fuzz_input input(data, size);
    const std::uint8_t choice = input.byte();
    sigv4::canonical_request_input in;
    in.rules = sigv4::path_rules{(choice & 1) != 0, (choice & 2) != 0};
    if (choice & 4) in.omit_query_param = "X-Amz-Signature";
    in.method = input.until_nul();
    in.path = input.until_nul();
    in.query = input.until_nul();
    in.payload_hash = input.until_nul();
    std::vector<sigv4::header_view> headers;
    std::vector<sigv4::query_param> extra;
    bool extras = false;
    while (!input.rest().empty()) {
        const auto name = input.until_nul();
        if (name == "--") {
            extras = true;
            continue;
        }
        const auto value = input.until_nul();
        if (extras)
            extra.push_back({name, value});
        else
            headers.push_back({name, value});
    }
    in.headers = headers;
    in.extra_query = extra;

    std::string out, signed_headers;
    sigv4::build_canonical_request(in, out, signed_headers);
    if (out != reference(in)) std::abort();
    std::string only_signed;
    sigv4::build_signed_headers(in.headers, only_signed);
    if (only_signed != signed_headers) std::abort();
    return 0;
}
