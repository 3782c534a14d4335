#include "transfer/rows/value_text.hpp"

#include <charconv>
#include <cmath>
#include <limits>

namespace shiftsync::transfer::rows {
namespace {

bool append_boolean(std::string_view t, std::string& out) {
    if (t == "t" || t == "true" || t == "1" || t == "TRUE" || t == "True") {
        out += "true";
        return true;
    }
    if (t == "f" || t == "false" || t == "0" || t == "FALSE" || t == "False") {
        out += "false";
        return true;
    }
    return false;
}

// NaN and the infinities as PostgreSQL and Redshift print them; JSON and from_chars spell them
// differently, so they are handled by name on both sides.
bool append_special_real(std::string_view t, std::string& out) {
    if (t == "NaN" || t == "nan") out += "NaN";
    else if (t == "Infinity" || t == "inf" || t == "+Infinity") out += "Infinity";
    else if (t == "-Infinity" || t == "-inf") out += "-Infinity";
    else return false;
    return true;
}

template <class Float>
bool append_shortest(std::string_view t, std::string& out) {
    if (append_special_real(t, out)) return true;  // (from_chars would take them too, spelled its own way)
    Float v{};
    auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (ec != std::errc() || end != t.data() + t.size() || !std::isfinite(v)) return false;
    char buf[64];
    auto written = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, written.ptr);
    return true;
}

// "13:45:00.120000+00" -> "13:45:00.12+00"; "…:00.000000" -> "…:00".
void append_without_trailing_zeros(std::string_view t, std::string& out) {
    auto dot = t.find('.');
    if (dot == std::string_view::npos) {
        out.append(t);
        return;
    }
    std::size_t end = dot + 1;
    while (end < t.size() && t[end] >= '0' && t[end] <= '9') ++end;
    std::size_t last = end;
    while (last > dot + 1 && t[last - 1] == '0') --last;
    out.append(t.substr(0, last == dot + 1 ? dot : last));
    out.append(t.substr(end));
}

bool is_integer_text(std::string_view t) {
    if (!t.empty() && (t[0] == '-' || t[0] == '+')) t.remove_prefix(1);
    if (t.empty()) return false;
    for (char c : t)
        if (c < '0' || c > '9') return false;
    return true;
}

// Digits with an optional sign and fraction, as NUMERIC prints (and NaN, which PostgreSQL's has).
bool is_decimal_text(std::string_view t) {
    if (t == "NaN") return true;
    auto dot = t.find('.');
    if (dot == std::string_view::npos) return is_integer_text(t);
    std::string_view fraction = t.substr(dot + 1);
    for (char c : fraction)
        if (c < '0' || c > '9') return false;
    std::string_view whole = t.substr(0, dot);
    if (whole == "-" || whole == "+" || whole.empty()) return !fraction.empty();
    return is_integer_text(whole);
}

bool append_hex_text(std::string_view t, std::string& out) {
    if (t.size() >= 2 && t[0] == '\\' && (t[1] == 'x' || t[1] == 'X')) t.remove_prefix(2);
    if (t.size() % 2 != 0) return false;
    std::size_t start = out.size();
    for (char c : t) {
        if (c >= '0' && c <= '9') out += c;
        else if (c >= 'a' && c <= 'f') out += c;
        else if (c >= 'A' && c <= 'F') out += static_cast<char>(c - 'A' + 'a');
        else {
            out.resize(start);
            return false;
        }
    }
    return true;
}

}  // namespace

bool append_canonical(value_kind kind, std::string_view t, std::string& out) {
    switch (kind) {
        case value_kind::boolean: return append_boolean(t, out);
        case value_kind::real4: return append_shortest<float>(t, out);
        case value_kind::real8: return append_shortest<double>(t, out);
        case value_kind::time:
        case value_kind::timetz:
        case value_kind::timestamp:
        case value_kind::timestamptz: append_without_trailing_zeros(t, out); return true;
        case value_kind::varbyte: return append_hex_text(t, out);
        case value_kind::integer:
            if (!is_integer_text(t)) return false;
            out.append(t);
            return true;
        case value_kind::decimal:
            if (!is_decimal_text(t)) return false;
            out.append(t);
            return true;
        default: out.append(t); return true;
    }
}

void append_integer(long long value, std::string& out) {
    char buf[24];
    auto written = std::to_chars(buf, buf + sizeof buf, value);
    out.append(buf, written.ptr);
}

void append_real(value_kind kind, double value, std::string& out) {
    if (std::isnan(value)) {
        out += "NaN";
        return;
    }
    if (std::isinf(value)) {
        out += value > 0 ? "Infinity" : "-Infinity";
        return;
    }
    char buf[64];
    auto written = kind == value_kind::real4 ? std::to_chars(buf, buf + sizeof buf, static_cast<float>(value))
                                             : std::to_chars(buf, buf + sizeof buf, value);
    out.append(buf, written.ptr);
}

void append_hex(std::string_view bytes, std::string& out) {
    static constexpr char digits[] = "0123456789abcdef";
    for (unsigned char c : bytes) {
        out += digits[c >> 4];
        out += digits[c & 15];
    }
}

}  // namespace shiftsync::transfer::rows
