#include "transfer/load/type_inference.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>

namespace shiftsync::transfer::load {
namespace {

bool digits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool is_date(std::string_view s) {
    return s.size() == 10 && digits(s.substr(0, 4)) && s[4] == '-' && digits(s.substr(5, 2)) && s[7] == '-' &&
           digits(s.substr(8, 2)) && s.substr(5, 2) >= "01" && s.substr(5, 2) <= "12" && s.substr(8, 2) >= "01" &&
           s.substr(8, 2) <= "31";
}

// "HH:MM:SS[.ffffff]" at the start of s; the length used, or 0.
std::size_t time_length(std::string_view s) {
    if (s.size() < 8 || !digits(s.substr(0, 2)) || s[2] != ':' || !digits(s.substr(3, 2)) || s[5] != ':' ||
        !digits(s.substr(6, 2)) || s.substr(0, 2) > "23" || s.substr(3, 2) > "59" || s.substr(6, 2) > "60")
        return 0;
    std::size_t n = 8;
    if (n < s.size() && s[n] == '.') {
        std::size_t f = n + 1;
        while (f < s.size() && s[f] >= '0' && s[f] <= '9') ++f;
        if (f == n + 1 || f - n - 1 > 6) return 0;
        n = f;
    }
    return n;
}

// "+HH", "-HH:MM", "+HHMM"
bool is_offset(std::string_view s) {
    if (s.size() < 3 || (s[0] != '+' && s[0] != '-') || !digits(s.substr(1, 2))) return false;
    if (s.size() == 3) return true;
    if (s.size() == 6 && s[3] == ':' && digits(s.substr(4, 2))) return true;
    return s.size() == 5 && digits(s.substr(3, 2));
}

}  // namespace

void type_sampler::add(std::size_t index, std::string_view v) {
    if (v.empty() || index >= columns_.size()) return;
    auto& c = columns_[index];
    c.seen = true;
    if (c.boolean && v != "true" && v != "false") c.boolean = false;
    std::string_view number = v;
    if (!number.empty() && (number.front() == '-' || number.front() == '+')) number.remove_prefix(1);
    auto dot = number.find('.');
    std::string_view whole = number.substr(0, dot);
    std::string_view fraction = dot == std::string_view::npos ? std::string_view{} : number.substr(dot + 1);
    const bool is_integer = digits(whole) && dot == std::string_view::npos;
    const bool is_decimal = digits(whole) && (dot == std::string_view::npos || digits(fraction));
    if (c.integer && !is_integer) c.integer = false;
    if (c.integer) {
        std::int64_t n = 0;
        auto [end, ec] = std::from_chars(v.data() + (v.front() == '+'), v.data() + v.size(), n);
        if (ec != std::errc() || end != v.data() + v.size()) c.int64 = c.int32 = false;
        else if (n < INT32_MIN || n > INT32_MAX) c.int32 = false;
    }
    if (c.decimal && !is_decimal) c.decimal = false;
    if (c.decimal) {
        std::string_view significant = whole;
        while (significant.size() > 1 && significant.front() == '0') significant.remove_prefix(1);
        c.whole_digits = std::max(c.whole_digits, static_cast<int>(significant.size()));
        c.scale = std::max(c.scale, static_cast<int>(fraction.size()));
        if (c.whole_digits + c.scale > 38) c.decimal = false;
    }
    if (c.date && !is_date(v)) c.date = false;
    if (c.timestamp || c.timestamptz) {
        const bool head = v.size() > 11 && is_date(v.substr(0, 10)) && (v[10] == ' ' || v[10] == 'T');
        const std::size_t t = head ? time_length(v.substr(11)) : 0;
        const std::string_view rest = t ? v.substr(11 + t) : std::string_view{};
        if (c.timestamp && !(t && rest.empty())) c.timestamp = false;
        if (c.timestamptz && !(t && is_offset(rest))) c.timestamptz = false;
    }
}

std::string type_sampler::ddl(std::size_t index) const {
    if (index >= columns_.size() || !columns_[index].seen) return {};
    const auto& c = columns_[index];
    if (c.boolean) return "BOOLEAN";
    if (c.integer && c.int32) return "INTEGER";
    if (c.integer && c.int64) return "BIGINT";
    if (c.decimal) {
        // Room for 18 whole digits at least: a sample's largest value is seldom the file's.
        const int precision = std::min(38, std::max(c.whole_digits, 18) + c.scale);
        return "NUMERIC(" + std::to_string(precision) + "," + std::to_string(c.scale) + ")";
    }
    if (c.date) return "DATE";
    if (c.timestamp) return "TIMESTAMP";
    if (c.timestamptz) return "TIMESTAMPTZ";
    return {};
}

}  // namespace shiftsync::transfer::load
