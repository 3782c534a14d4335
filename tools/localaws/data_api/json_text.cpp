#include "tools/localaws/data_api/json_text.hpp"

#include <array>
#include <charconv>
#include <cstring>

namespace localaws::data_api::json_text {
namespace {

// For each byte: 0 when it is copied as is, else the letter after the backslash ('u' for \u00xx).
// The same table as boost::json's serializer, so the bytes match its output.
constexpr std::array<char, 256> escapes = [] {
    std::array<char, 256> t{};
    for (int c = 0; c < 0x20; ++c) t[c] = 'u';
    t['\b'] = 'b';
    t['\f'] = 'f';
    t['\n'] = 'n';
    t['\r'] = 'r';
    t['\t'] = 't';
    t['"'] = '"';
    t['\\'] = '\\';
    return t;
}();

}  // namespace

void append_string(std::string& out, std::string_view s) {
    out += '"';
    auto span = [&out](const char* from, const char* to) { out.append(from, static_cast<std::size_t>(to - from)); };
    const char* run = s.data();  // start of the bytes not yet copied
    const char* end = s.data() + s.size();
    for (const char* p = run; p != end; ++p) {
        char e = escapes[static_cast<unsigned char>(*p)];
        if (e == 0) continue;
        span(run, p);
        run = p + 1;
        if (e != 'u') {
            const char pair[2] = {'\\', e};
            out.append(pair, 2);
            continue;
        }
        static constexpr char hex[] = "0123456789abcdef";
        auto c = static_cast<unsigned char>(*p);
        const char code[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
        out.append(code, 6);
    }
    span(run, end);
    out += '"';
}

void append_int(std::string& out, std::int64_t v) {
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, static_cast<std::size_t>(r.ptr - buf));
}

void append_double(std::string& out, double v) {
    // std::to_chars' shortest scientific form has the same digits as Ryu (libstdc++ uses Ryu);
    // only the exponent is spelled differently: "e+00" / "e-05" where boost::json writes "E0" / "E-5".
    char buf[40];
    auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
    const char* e = static_cast<const char*>(std::memchr(buf, 'e', static_cast<std::size_t>(r.ptr - buf)));
    if (!e) {  // not finite: not for this function, but never write something that is not JSON
        out += "null";
        return;
    }
    out.append(buf, static_cast<std::size_t>(e - buf));
    out += 'E';
    const char* digits = e + 1;
    if (*digits == '-') out += '-';
    if (*digits == '-' || *digits == '+') ++digits;
    while (digits + 1 < r.ptr && *digits == '0') ++digits;
    out.append(digits, static_cast<std::size_t>(r.ptr - digits));
}

}  // namespace localaws::data_api::json_text
