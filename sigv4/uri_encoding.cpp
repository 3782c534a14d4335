#include "sigv4/uri_encoding.hpp"

#include <array>
#include <vector>

namespace shiftsync::sigv4 {
namespace {

constexpr std::array<bool, 256> make_unreserved() {
    std::array<bool, 256> t{};
    for (int c = 'A'; c <= 'Z'; ++c) t[c] = true;
    for (int c = 'a'; c <= 'z'; ++c) t[c] = true;
    for (int c = '0'; c <= '9'; ++c) t[c] = true;
    t['-'] = t['_'] = t['.'] = t['~'] = true;
    return t;
}
constexpr auto unreserved = make_unreserved();

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

void append_uri_encoded(std::string& out, std::string_view text, slash slashes) {
    static constexpr char digits[] = "0123456789ABCDEF";
    // Write straight into worst-case room (3 bytes per input byte), then trim: no per-byte
    // capacity checks on this hot path.
    std::size_t at = out.size();
    out.resize(at + text.size() * 3);
    char* w = out.data() + at;
    for (char ch : text) {
        auto c = static_cast<unsigned char>(ch);
        if (unreserved[c] || (c == '/' && slashes == slash::keep)) {
            *w++ = ch;
        } else {
            *w++ = '%';
            *w++ = digits[c >> 4];
            *w++ = digits[c & 0x0f];
        }
    }
    out.resize(static_cast<std::size_t>(w - out.data()));
}

std::string uri_encode(std::string_view text, slash slashes) {
    std::string out;
    out.reserve(text.size());
    append_uri_encoded(out, text, slashes);
    return out;
}

void append_percent_decoded(std::string& out, std::string_view text) {
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size()) {
            int hi = hex_value(text[i + 1]);
            int lo = hex_value(text[i + 2]);
            if (hi >= 0 && lo >= 0) {
                out.push_back(static_cast<char>(hi * 16 + lo));
                i += 2;
                continue;
            }
        }
        out.push_back(text[i]);
    }
}

std::string percent_decode(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    append_percent_decoded(out, text);
    return out;
}

std::string normalize_path(std::string_view path) {
    if (path.empty()) return "/";
    std::vector<std::string_view> kept;
    std::size_t start = 0;
    while (start <= path.size()) {
        std::size_t end = path.find('/', start);
        if (end == std::string_view::npos) end = path.size();
        std::string_view segment = path.substr(start, end - start);
        if (segment == "..") {
            if (!kept.empty()) kept.pop_back();
        } else if (!segment.empty() && segment != ".") {
            kept.push_back(segment);
        }
        start = end + 1;
    }
    std::string out;
    out.reserve(path.size());
    if (path.front() == '/') out.push_back('/');
    for (std::size_t i = 0; i < kept.size(); ++i) {
        if (i) out.push_back('/');
        out.append(kept[i]);
    }
    if (path.back() == '/' && !kept.empty()) out.push_back('/');
    // push_back, not `= "/"`: g++ warns (-Wrestrict) about the inlined copy of a one-character
    // literal into a string, a false positive (GCC bug 105329).
    if (out.empty()) out.push_back('/');
    return out;
}

}  // namespace shiftsync::sigv4
