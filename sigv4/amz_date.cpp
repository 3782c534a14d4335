#include "sigv4/amz_date.hpp"

namespace shiftsync::sigv4 {
namespace {

void put_digits(char* at, unsigned value, int width) {
    for (int i = width - 1; i >= 0; --i) {
        at[i] = static_cast<char>('0' + value % 10);
        value /= 10;
    }
}

// Exactly `width` digits: from_chars alone would also take a sign ("-999" as a year).
bool read_digits(std::string_view text, std::size_t& pos, int width, int& value) {
    if (pos + width > text.size()) return false;
    value = 0;
    for (int i = 0; i < width; ++i) {
        const char c = text[pos + i];
        if (c < '0' || c > '9') return false;
        value = value * 10 + (c - '0');
    }
    pos += width;
    return true;
}

// system_clock counts nanoseconds in 64 bits, from 1677-09-21 to 2262-04-11: a date in a year
// outside 1678..2261 is no time point, and converting it would overflow (undefined behaviour).
constexpr int first_year = 1678, last_year = 2261;

bool skip(std::string_view text, std::size_t& pos, char c, bool optional) {
    if (pos < text.size() && text[pos] == c) {
        ++pos;
        return true;
    }
    return optional;
}

}  // namespace

std::string format_amz_date(clock::time_point t) {
    std::string out;
    set_amz_date(out, t);
    return out;
}

void set_amz_date(std::string& out, clock::time_point t) {
    using namespace std::chrono;
    auto secs = floor<seconds>(t);
    auto days = floor<std::chrono::days>(secs);
    year_month_day ymd{days};
    hh_mm_ss hms{secs - days};
    out.assign(16, '0');
    put_digits(out.data(), static_cast<unsigned>(static_cast<int>(ymd.year())), 4);
    put_digits(out.data() + 4, static_cast<unsigned>(ymd.month()), 2);
    put_digits(out.data() + 6, static_cast<unsigned>(ymd.day()), 2);
    out[8] = 'T';
    put_digits(out.data() + 9, static_cast<unsigned>(hms.hours().count()), 2);
    put_digits(out.data() + 11, static_cast<unsigned>(hms.minutes().count()), 2);
    put_digits(out.data() + 13, static_cast<unsigned>(hms.seconds().count()), 2);
    out[15] = 'Z';
}

std::optional<clock::time_point> parse_amz_date(std::string_view text) {
    using namespace std::chrono;
    // Both forms share their digits; the ISO form adds '-' and ':' separators.
    bool iso = text.size() > 4 && text[4] == '-';
    std::size_t pos = 0;
    int y, mo, d, h, mi, s;
    if (!read_digits(text, pos, 4, y) || !skip(text, pos, '-', !iso) || !read_digits(text, pos, 2, mo) ||
        !skip(text, pos, '-', !iso) || !read_digits(text, pos, 2, d) || !skip(text, pos, 'T', false) ||
        !read_digits(text, pos, 2, h) || !skip(text, pos, ':', !iso) || !read_digits(text, pos, 2, mi) ||
        !skip(text, pos, ':', !iso) || !read_digits(text, pos, 2, s))
        return std::nullopt;
    if (iso && pos < text.size() && text[pos] == '.') {
        ++pos;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
    }
    if (pos + 1 != text.size() || text[pos] != 'Z') return std::nullopt;
    year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
    if (!ymd.ok() || y < first_year || y > last_year || h > 23 || mi > 59 || s > 60) return std::nullopt;
    return sys_days{ymd} + hours{h} + minutes{mi} + seconds{s};
}

}  // namespace shiftsync::sigv4
