#include "transfer/rows/json_scan.hpp"

#include <array>

namespace shiftsync::transfer::rows::json {
namespace {

// Bytes a string holds as they are: everything but the quote, the backslash and the control
// characters JSON requires escaped. Bytes from 0x80 are parts of UTF-8 (checked per line).
constexpr std::array<bool, 256> plain = [] {
    std::array<bool, 256> t{};
    for (int c = 0x20; c < 256; ++c) t[static_cast<std::size_t>(c)] = true;
    t['"'] = t['\\'] = false;
    return t;
}();

bool is_digit(char c) { return c >= '0' && c <= '9'; }

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// The 4 hex digits after s[i] == 'u'; -1 when they are not there.
long hex4(std::string_view s, std::size_t i) {
    if (s.size() - i < 5) return -1;
    long v = 0;
    for (std::size_t k = 1; k <= 4; ++k) {
        int h = hex_value(s[i + k]);
        if (h < 0) return -1;
        v = v * 16 + h;
    }
    return v;
}

void append_utf8(unsigned long cp, std::string& out) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

// \uXXXX, i at the 'u'; leaves i at its last hex digit. A character beyond the BMP comes as a
// surrogate pair (\ud83c\udf89); half a pair has no UTF-8 form, so it is an error.
const char* unescape_u(std::string_view s, std::size_t& i, std::string* out) {
    long unit = hex4(s, i);
    if (unit < 0) return "\\u is not followed by 4 hex digits";
    unsigned long cp = static_cast<unsigned long>(unit);
    if (cp >= 0xDC00 && cp <= 0xDFFF) return "a lone UTF-16 low surrogate (\\udc00-\\udfff) in a string";
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        long low = i + 6 < s.size() && s[i + 5] == '\\' && s[i + 6] == 'u' ? hex4(s, i + 6) : -1;
        if (low < 0xDC00 || low > 0xDFFF) return "a UTF-16 high surrogate (\\ud800-\\udbff) not followed by a low one";
        cp = 0x10000 + ((cp - 0xD800) << 10) + (static_cast<unsigned long>(low) - 0xDC00);
        i += 6;
    }
    i += 4;
    if (out) append_utf8(cp, *out);
    return nullptr;
}

const char* append_container(std::string_view s, std::size_t& i, std::string& out, int depth) {
    const char close = s[i] == '{' ? '}' : ']';
    const bool object = close == '}';
    out += s[i++];
    skip_space(s, i);
    if (i < s.size() && s[i] == close) {
        out += close;
        ++i;
        return nullptr;
    }
    for (;;) {
        if (object) {
            if (i >= s.size() || s[i] != '"') return "expected a key (a string) in an object";
            std::size_t start = i;
            std::string_view key;
            if (const char* e = scan_string(s, i, nullptr, key)) return e;
            out.append(s.substr(start, i - start));
            skip_space(s, i);
            if (i >= s.size() || s[i] != ':') return "expected ':' after a key";
            out += ':';
            ++i;
            skip_space(s, i);
        }
        if (const char* e = append_minified(s, i, out, depth + 1)) return e;
        skip_space(s, i);
        if (i < s.size() && s[i] == ',') {
            out += ',';
            ++i;
            skip_space(s, i);
            continue;
        }
        if (i < s.size() && s[i] == close) {
            out += close;
            ++i;
            return nullptr;
        }
        return object ? "expected ',' or '}' in an object" : "expected ',' or ']' in an array";
    }
}

}  // namespace

const char* scan_string(std::string_view s, std::size_t& i, std::string* scratch, std::string_view& text) {
    const char* p = s.data();
    const std::size_t n = s.size();
    const std::size_t start = ++i;
    // Most strings have no escapes: find the end and hand out a view, copying nothing.
    while (i < n && plain[static_cast<unsigned char>(p[i])]) ++i;
    if (i < n && p[i] == '"') {
        text = s.substr(start, i - start);
        ++i;
        return nullptr;
    }
    if (scratch) scratch->assign(p + start, i - start);
    for (;;) {
        if (i == n) return "a string is not closed before the end of the line";
        if (p[i] == '"') break;
        if (p[i] != '\\') return "a control character inside a string (JSON requires it escaped)";
        if (++i == n) return "a string is not closed before the end of the line";
        char unescaped = 0;
        switch (p[i]) {
            case '"': unescaped = '"'; break;
            case '\\': unescaped = '\\'; break;
            case '/': unescaped = '/'; break;
            case 'b': unescaped = '\b'; break;
            case 'f': unescaped = '\f'; break;
            case 'n': unescaped = '\n'; break;
            case 'r': unescaped = '\r'; break;
            case 't': unescaped = '\t'; break;
            case 'u':
                if (const char* e = unescape_u(s, i, scratch)) return e;
                break;
            default: return "an invalid escape in a string";
        }
        if (unescaped && scratch) *scratch += unescaped;
        std::size_t from = ++i;
        while (i < n && plain[static_cast<unsigned char>(p[i])]) ++i;
        if (scratch) scratch->append(p + from, i - from);
    }
    if (scratch) text = *scratch;
    ++i;
    return nullptr;
}

const char* scan_number(std::string_view s, std::size_t& i) {
    const std::size_t n = s.size();
    if (i < n && s[i] == '-') ++i;
    if (i == n || !is_digit(s[i])) return "a number without digits";
    if (s[i] == '0') {
        ++i;
        if (i < n && is_digit(s[i])) return "a number with a leading zero";
    } else {
        while (i < n && is_digit(s[i])) ++i;
    }
    if (i < n && s[i] == '.') {
        ++i;
        if (i == n || !is_digit(s[i])) return "a number without digits after its '.'";
        while (i < n && is_digit(s[i])) ++i;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        ++i;
        if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
        if (i == n || !is_digit(s[i])) return "a number without digits in its exponent";
        while (i < n && is_digit(s[i])) ++i;
    }
    // "1x" or "1true": JSON would need a ',' or a bracket here; saying so about the number is clearer.
    if (i < n && (is_digit(s[i]) || (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') || s[i] == '.' ||
                  s[i] == '+' || s[i] == '-'))
        return "a malformed number";
    return nullptr;
}

const char* scan_word(std::string_view s, std::size_t& i, std::string_view word) {
    if (s.substr(i, word.size()) != word) return "an unexpected word (JSON has only true, false and null)";
    std::size_t end = i + word.size();
    if (end < s.size() && ((s[end] >= 'a' && s[end] <= 'z') || (s[end] >= 'A' && s[end] <= 'Z') || is_digit(s[end])))
        return "an unexpected word (JSON has only true, false and null)";
    i = end;
    return nullptr;
}

const char* append_minified(std::string_view s, std::size_t& i, std::string& out, int depth) {
    if (depth > max_depth) return "nesting deeper than 512 levels";
    if (i >= s.size()) return "a value is missing";
    const std::size_t start = i;
    const char* e = nullptr;
    switch (s[i]) {
        case '{':
        case '[': return append_container(s, i, out, depth);
        case '"': {
            std::string_view text;
            e = scan_string(s, i, nullptr, text);
            break;
        }
        case 't': e = scan_word(s, i, "true"); break;
        case 'f': e = scan_word(s, i, "false"); break;
        case 'n': e = scan_word(s, i, "null"); break;
        default:
            if (s[i] != '-' && !is_digit(s[i])) return "expected a value";
            e = scan_number(s, i);
    }
    if (!e) out.append(s.substr(start, i - start));
    return e;
}

}  // namespace shiftsync::transfer::rows::json
