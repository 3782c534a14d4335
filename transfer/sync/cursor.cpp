#include "transfer/sync/cursor.hpp"

#include "transfer/sql/sql_text.hpp"

#include <charconv>
#include <chrono>
#include <cstdlib>
#include <cstdio>

namespace shiftsync::transfer::sync {
namespace {

using rows::value_kind;

bool all_digits(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s)
        if (c < '0' || c > '9') return false;
    return true;
}

std::string_view strip_leading_zeros(std::string_view s) {
    while (s.size() > 1 && s.front() == '0') s.remove_prefix(1);
    return s;
}

// Magnitudes as digit strings: by length (leading zeros ignored), then bytes.
int compare_magnitude(std::string_view a, std::string_view b) {
    a = strip_leading_zeros(a);
    b = strip_leading_zeros(b);
    if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
    return a.compare(b) < 0 ? -1 : (a == b ? 0 : 1);
}

int compare_decimal(std::string_view a, std::string_view b) {
    bool neg_a = !a.empty() && a.front() == '-';
    bool neg_b = !b.empty() && b.front() == '-';
    if (neg_a) a.remove_prefix(1);
    if (neg_b) b.remove_prefix(1);
    auto split = [](std::string_view v) {
        auto dot = v.find('.');
        std::string_view whole = v.substr(0, dot);
        std::string_view fraction = dot == std::string_view::npos ? std::string_view{} : v.substr(dot + 1);
        while (!fraction.empty() && fraction.back() == '0') fraction.remove_suffix(1);
        return std::pair{whole, fraction};
    };
    auto [wa, fa] = split(a);
    auto [wb, fb] = split(b);
    bool zero_a = strip_leading_zeros(wa) == "0" && fa.empty();
    bool zero_b = strip_leading_zeros(wb) == "0" && fb.empty();
    if (zero_a) neg_a = false;
    if (zero_b) neg_b = false;
    if (neg_a != neg_b) return neg_a ? -1 : 1;
    int magnitude = compare_magnitude(wa, wb);
    if (magnitude == 0) magnitude = fa.compare(fb) < 0 ? -1 : (fa == fb ? 0 : 1);
    return neg_a ? -magnitude : magnitude;
}

int compare_double(std::string_view a, std::string_view b) {
    double x = std::strtod(std::string(a).c_str(), nullptr);
    double y = std::strtod(std::string(b).c_str(), nullptr);
    return x < y ? -1 : (x > y ? 1 : 0);
}

// "YYYY-MM-DD[ HH:MM:SS[.ffffff]][suffix]": the parts a lookback moves.
struct parsed_time {
    std::chrono::sys_days day;
    std::int64_t micros = 0;   // since midnight
    std::string suffix;        // "+00", "+05:30", "" (kept as it was)
    bool has_time = false;
};

std::optional<parsed_time> parse_time(std::string_view v) {
    if (v.size() < 10 || v[4] != '-' || v[7] != '-') return std::nullopt;
    int y = 0;
    unsigned m = 0, d = 0;
    if (!all_digits(v.substr(0, 4)) || !all_digits(v.substr(5, 2)) || !all_digits(v.substr(8, 2))) return std::nullopt;
    std::from_chars(v.data(), v.data() + 4, y);
    std::from_chars(v.data() + 5, v.data() + 7, m);
    std::from_chars(v.data() + 8, v.data() + 10, d);
    std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
    if (!ymd.ok()) return std::nullopt;
    parsed_time out{std::chrono::sys_days{ymd}};
    std::string_view rest = v.substr(10);
    if (rest.empty()) return out;
    if (rest.size() < 9 || rest[0] != ' ' || rest[3] != ':' || rest[6] != ':') return std::nullopt;
    std::string_view hh = rest.substr(1, 2), mm = rest.substr(4, 2), ss = rest.substr(7, 2);
    if (!all_digits(hh) || !all_digits(mm) || !all_digits(ss)) return std::nullopt;
    std::int64_t h = 0, mi = 0, s = 0;
    std::from_chars(hh.data(), hh.data() + 2, h);
    std::from_chars(mm.data(), mm.data() + 2, mi);
    std::from_chars(ss.data(), ss.data() + 2, s);
    out.micros = ((h * 60 + mi) * 60 + s) * 1'000'000;
    out.has_time = true;
    rest = rest.substr(9);
    if (!rest.empty() && rest[0] == '.') {
        std::size_t n = 1;
        while (n < rest.size() && rest[n] >= '0' && rest[n] <= '9') ++n;
        std::string fraction(rest.substr(1, n - 1));
        if (fraction.empty() || fraction.size() > 6) return std::nullopt;
        fraction.resize(6, '0');
        out.micros += std::atoll(fraction.c_str());
        rest = rest.substr(n);
    }
    out.suffix = std::string(rest);
    return out;
}

std::string format_time(const parsed_time& t) {
    std::chrono::year_month_day ymd{t.day};
    char text[64];
    std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                  static_cast<unsigned>(ymd.day()));
    std::string out = text;
    if (!t.has_time) return out;
    long long seconds = t.micros / 1'000'000, micros = t.micros % 1'000'000;
    std::snprintf(text, sizeof text, " %02lld:%02lld:%02lld", seconds / 3600, seconds / 60 % 60, seconds % 60);
    out += text;
    if (micros) {
        std::snprintf(text, sizeof text, "%06lld", micros);
        std::string fraction = text;
        while (fraction.back() == '0') fraction.pop_back();
        out += "." + fraction;
    }
    return out + t.suffix;
}

std::string_view type_cast(value_kind kind) {
    switch (kind) {
        case value_kind::date: return "::date";
        case value_kind::time: return "::time";
        case value_kind::timetz: return "::timetz";
        case value_kind::timestamp: return "::timestamp";
        case value_kind::timestamptz: return "::timestamptz";
        case value_kind::real4: return "::real";
        case value_kind::real8: return "::double precision";
        default: return "";
    }
}

}  // namespace

std::string string_literal(std::string_view text, sql_dialect dialect) {
    return dialect == sql_dialect::redshift ? sql::quote_literal(text) : sql::quote_standard_literal(text);
}

bool cursor_kind_supported(value_kind kind) {
    return kind != value_kind::super && kind != value_kind::varbyte;
}

int compare_cursor(value_kind kind, std::string_view a, std::string_view b) {
    switch (kind) {
        case value_kind::integer:
        case value_kind::decimal: return compare_decimal(a, b);
        case value_kind::real4:
        case value_kind::real8: return compare_double(a, b);
        default: {
            int c = a.compare(b);
            return c < 0 ? -1 : (c > 0 ? 1 : 0);
        }
    }
}

std::optional<std::string> cursor_lower_bound(value_kind kind, std::string_view last, const cursor_lookback& lookback,
                                              std::string& why) {
    if (lookback.seconds == 0 && lookback.count == 0) return std::string(last);
    if (kind == value_kind::integer) {
        if (lookback.seconds != 0) {
            why = "a duration lookback needs a date or timestamp cursor; an integer cursor takes a count (lookback: 100)";
            return std::nullopt;
        }
        std::int64_t value = 0;
        auto [end, ec] = std::from_chars(last.data(), last.data() + last.size(), value);
        if (ec != std::errc() || end != last.data() + last.size()) {
            why = "the cursor value '" + std::string(last) + "' is not an integer";
            return std::nullopt;
        }
        std::int64_t bound = value < INT64_MIN + lookback.count ? INT64_MIN : value - lookback.count;
        return std::to_string(bound);
    }
    if (kind == value_kind::date || kind == value_kind::timestamp || kind == value_kind::timestamptz) {
        if (lookback.count != 0) {
            why = "a count lookback needs an integer cursor; a date or timestamp cursor takes a duration (lookback: 5m)";
            return std::nullopt;
        }
        auto t = parse_time(last);
        if (!t || t->has_time != (kind != value_kind::date)) {
            why = "the cursor value '" + std::string(last) + "' is not a canonical " + std::string(rows::to_string(kind));
            return std::nullopt;
        }
        constexpr std::int64_t day = 86'400'000'000;
        std::int64_t micros = t->micros - lookback.seconds * 1'000'000;
        std::int64_t days = micros >= 0 ? micros / day : -((-micros + day - 1) / day);
        t->day += std::chrono::days{days};
        t->micros = micros - days * day;
        return format_time(*t);
    }
    why = "a lookback needs an integer, date or timestamp cursor, not " + std::string(rows::to_string(kind));
    return std::nullopt;
}

std::string cursor_literal(value_kind kind, std::string_view value, sql_dialect dialect) {
    if ((kind == value_kind::integer || kind == value_kind::decimal)) {
        std::string_view digits = value;
        if (!digits.empty() && digits.front() == '-') digits.remove_prefix(1);
        auto dot = digits.find('.');
        bool numeric = all_digits(digits.substr(0, dot)) &&
                       (dot == std::string_view::npos || all_digits(digits.substr(dot + 1)));
        if (numeric) return std::string(value);
    }
    return string_literal(value, dialect) + std::string(type_cast(kind));
}

void cursor_tracker::observe(std::string_view value) {
    if (!max_ || compare_cursor(kind_, value, *max_) > 0) max_ = std::string(value);
}

void cursor_tracker::observe(const rows::row_batch& batch) {
    if (!active_) return;
    for (std::size_t r = 0; r < batch.rows(); ++r)
        if (!batch.is_null(r, column_)) observe(batch.value(r, column_));
}

}  // namespace shiftsync::transfer::sync
