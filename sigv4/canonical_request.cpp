#include "sigv4/canonical_request.hpp"

#include "sigv4/uri_encoding.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
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

    std::string_view name(const header_ref& r) const { return std::string_view(text.data() + r.name_at, r.name_len); }
};

scratch& thread_scratch() {
    thread_local scratch s;
    return s;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'; }

// Length of the leading run of `text` in which no byte is <= 0x20 — so certainly no white space —
// tested eight bytes at a time (the classic "has a byte less than n" bit trick; bytes >= 0x80, as
// in UTF-8, never trigger it). Header values are mostly long runs without spaces (tokens, hashes).
std::size_t printable_prefix(std::string_view text) {
    constexpr std::uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    std::size_t i = 0;
    for (; i + 8 <= text.size(); i += 8) {
        std::uint64_t x;
        std::memcpy(&x, text.data() + i, 8);
        if (((x - ones * 0x21) & ~x & highs) != 0) break;
    }
    return i;
}

// Trimall: strip both ends and fold every run of white space into one space. Appends whole runs of
// non-space bytes at once: values such as session tokens are long and have no spaces at all.
void append_trimmed(std::string& out, std::string_view value) {
    std::size_t i = 0, n = value.size();
    bool first = true;
    while (i < n) {
        while (i < n && is_space(value[i])) ++i;
        std::size_t start = i;
        i += printable_prefix(value.substr(i));
        while (i < n && !is_space(value[i])) ++i;
        if (i > start) {
            if (!first) out.push_back(' ');
            out.append(value.data() + start, i - start);
            first = false;
        }
    }
}

// Lower-cases the header names into the scratch and sorts the references by name, stably so that
// repeated headers keep their order. Insertion sort: allocation-free and fastest for the dozen
// headers a request carries.
void sort_headers(scratch& s, std::span<const header_view> headers) {
    s.text.clear();
    s.headers.clear();
    for (const auto& h : headers) {
        scratch::header_ref ref{s.text.size(), h.name.size(), h.value};
        s.text.append(h.name);
        for (std::size_t k = ref.name_at; k < s.text.size(); ++k)
            if (s.text[k] >= 'A' && s.text[k] <= 'Z') s.text[k] = static_cast<char>(s.text[k] + 32);
        s.headers.push_back(ref);
    }
    for (std::size_t i = 1; i < s.headers.size(); ++i) {
        scratch::header_ref moving = s.headers[i];
        std::size_t j = i;
        for (; j > 0 && s.name(moving) < s.name(s.headers[j - 1]); --j) s.headers[j] = s.headers[j - 1];
        s.headers[j] = moving;
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

    scratch& s = thread_scratch();
    sort_headers(s, in.headers);
    auto name_of = [&](const scratch::header_ref& r) { return s.name(r); };
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

void build_signed_headers(std::span<const header_view> headers, std::string& out) {
    out.clear();
    scratch& s = thread_scratch();
    sort_headers(s, headers);
    for (std::size_t i = 0; i < s.headers.size(); ++i) {
        if (i > 0 && s.name(s.headers[i]) == s.name(s.headers[i - 1])) continue;
        if (!out.empty()) out.push_back(';');
        out.append(s.name(s.headers[i]));
    }
}

}  // namespace shiftsync::sigv4
