#include "sigv4/canonical_request.hpp"

#include "sigv4/uri_encoding.hpp"

#include <algorithm>
#include <vector>

namespace shiftsync::sigv4 {
namespace {

// Reused between calls on the same thread: canonicalising allocates nothing once warm.
struct scratch {
    std::string text;  // encoded query parts / lower-cased header names, back to back
    struct span_pair {
        std::size_t key_at, key_len, value_at, value_len;
    };
    std::vector<span_pair> params;
    struct header_ref {
        std::size_t name_at, name_len;
        std::string_view value;
    };
    std::vector<header_ref> headers;
    std::string decoded;
};

scratch& thread_scratch() {
    thread_local scratch s;
    return s;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'; }

// Trimall: strip both ends and fold every run of white space into one space.
void append_trimmed(std::string& out, std::string_view value) {
    bool pending_space = false;
    bool started = false;
    for (char c : value) {
        if (is_space(c)) {
            pending_space = started;
            continue;
        }
        if (pending_space) out.push_back(' ');
        pending_space = false;
        started = true;
        out.push_back(c);
    }
}

void add_encoded_param(scratch& s, std::string_view key, std::string_view value, bool decode_first) {
    scratch::span_pair p{};
    p.key_at = s.text.size();
    if (decode_first) {
        s.decoded.clear();
        append_percent_decoded(s.decoded, key);
        append_uri_encoded(s.text, s.decoded);
    } else {
        append_uri_encoded(s.text, key);
    }
    p.key_len = s.text.size() - p.key_at;
    p.value_at = s.text.size();
    if (decode_first) {
        s.decoded.clear();
        append_percent_decoded(s.decoded, value);
        append_uri_encoded(s.text, s.decoded);
    } else {
        append_uri_encoded(s.text, value);
    }
    p.value_len = s.text.size() - p.value_at;
    s.params.push_back(p);
}

}  // namespace

void append_canonical_uri(std::string& out, std::string_view path, path_rules rules) {
    if (path.empty()) {
        out.push_back('/');
        return;
    }
    if (!rules.normalize && !rules.encode) {
        out.append(path);
        return;
    }
    if (rules.normalize) {
        std::string normalized = normalize_path(path);
        if (rules.encode)
            append_uri_encoded(out, normalized, slash::keep);
        else
            out.append(normalized);
        return;
    }
    append_uri_encoded(out, path, slash::keep);
}

void append_canonical_query(std::string& out, std::string_view query, std::span<const query_param> extra,
                            std::string_view omit) {
    scratch& s = thread_scratch();
    s.text.clear();
    s.params.clear();
    std::size_t start = 0;
    while (start < query.size()) {
        std::size_t end = query.find('&', start);
        if (end == std::string_view::npos) end = query.size();
        std::string_view pair = query.substr(start, end - start);
        start = end + 1;
        if (pair.empty()) continue;  // "a=1&&b=2": nothing between the separators, nothing to sign
        std::size_t eq = pair.find('=');
        std::string_view key = pair.substr(0, eq);
        std::string_view value = eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
        if (!omit.empty() && key == omit) continue;
        add_encoded_param(s, key, value, true);
    }
    for (const auto& p : extra) add_encoded_param(s, p.name, p.value, false);

    const std::string& text = s.text;
    std::sort(s.params.begin(), s.params.end(), [&](const auto& a, const auto& b) {
        std::string_view ak(text.data() + a.key_at, a.key_len), bk(text.data() + b.key_at, b.key_len);
        if (ak != bk) return ak < bk;
        return std::string_view(text.data() + a.value_at, a.value_len) <
               std::string_view(text.data() + b.value_at, b.value_len);
    });
    bool first = true;
    for (const auto& p : s.params) {
        if (!first) out.push_back('&');
        first = false;
        out.append(text, p.key_at, p.key_len);
        out.push_back('=');
        out.append(text, p.value_at, p.value_len);
    }
}

void build_canonical_request(const canonical_request_input& in, std::string& out, std::string& signed_headers) {
    out.clear();
    signed_headers.clear();
    out.append(in.method);
    out.push_back('\n');
    append_canonical_uri(out, in.path, in.rules);
    out.push_back('\n');
    append_canonical_query(out, in.query, in.extra_query, in.omit_query_param);
    out.push_back('\n');

    // Headers: lower-case names, stable-sorted so that repeated headers keep their order, then
    // joined with ',' under one name.
    scratch& s = thread_scratch();
    s.text.clear();
    s.headers.clear();
    for (const auto& h : in.headers) {
        scratch::header_ref ref{s.text.size(), h.name.size(), h.value};
        for (char c : h.name) s.text.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c);
        s.headers.push_back(ref);
    }
    const std::string& names = s.text;
    auto name_of = [&](const scratch::header_ref& r) { return std::string_view(names.data() + r.name_at, r.name_len); };
    std::stable_sort(s.headers.begin(), s.headers.end(),
                     [&](const auto& a, const auto& b) { return name_of(a) < name_of(b); });
    for (std::size_t i = 0; i < s.headers.size();) {
        std::string_view name = name_of(s.headers[i]);
        out.append(name);
        out.push_back(':');
        if (!signed_headers.empty()) signed_headers.push_back(';');
        signed_headers.append(name);
        bool first = true;
        for (; i < s.headers.size() && name_of(s.headers[i]) == name; ++i) {
            if (!first) out.push_back(',');
            first = false;
            append_trimmed(out, s.headers[i].value);
        }
        out.push_back('\n');
    }
    out.push_back('\n');
    out.append(signed_headers);
    out.push_back('\n');
    out.append(in.payload_hash);
}

}  // namespace shiftsync::sigv4
