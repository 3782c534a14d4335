#include "tools/localaws/redshift/bulk/copy_fields.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <ctime>

#include "tools/localaws/redshift/bulk/pg_text.hpp"
#include "tools/localaws/redshift/sql_scanner.hpp"

namespace localaws::redshift::bulk {
namespace {

enum : unsigned { oid_bool = 16, oid_bytea = 17, oid_int8 = 20, oid_int2 = 21, oid_int4 = 23, oid_text = 25, oid_float4 = 700,
                  oid_float8 = 701, oid_bpchar = 1042, oid_varchar = 1043, oid_date = 1082, oid_timestamp = 1114,
                  oid_timestamptz = 1184 };

bool is_char_type(unsigned t) { return t == oid_varchar || t == oid_bpchar || t == oid_text; }
// ASCII whitespace without the locale lookup std::isspace makes per call (this runs per field).
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool is_blank(const std::string& s) { return std::all_of(s.begin(), s.end(), is_space); }
bool all_ascii(const std::string& s) {
    unsigned char any = 0;
    for (unsigned char c : s) any |= c;
    return any < 0x80;
}

// Length of a valid UTF-8 sequence starting at s[i], or 0 when invalid.
std::size_t utf8_length(const std::string& s, std::size_t i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return 0;
    for (std::size_t k = 1; k < n; ++k)
        if ((static_cast<unsigned char>(s[i + k]) >> 6) != 2) return 0;
    if (n == 2 && c < 0xC2) return 0;  // overlong
    return n;
}

// The longest prefix of at most `bytes` bytes that ends on a character boundary (TRUNCATECOLUMNS).
std::string truncate_bytes(const std::string& s, std::size_t bytes) {
    std::size_t end = std::min(bytes, s.size());
    while (end > 0 && end < s.size() && (static_cast<unsigned char>(s[end]) >> 6) == 2) --end;
    return s.substr(0, end);
}

// Redshift's COPY reason for a multi-byte character in a CHAR column, with that character's bytes.
std::string multibyte_in_char(const std::string& s) {
    std::size_t i = 0;
    while (i < s.size() && static_cast<unsigned char>(s[i]) < 0x80) ++i;
    std::string hex;
    for (std::size_t k = i; k < s.size() && (k == i || (static_cast<unsigned char>(s[k]) >> 6) == 2); ++k) {
        char byte[4];
        std::snprintf(byte, sizeof byte, "%s%02x", k == i ? "" : " ", static_cast<unsigned char>(s[k]));
        hex += byte;
    }
    return "Multibyte character not supported for CHAR (Hint: Try using VARCHAR). Invalid char: " + hex;
}

// ACCEPTINVCHARS for CHAR: each multi-byte character becomes the replacement character.
std::string replace_multibyte(const std::string& s, char replacement) {
    std::string out;
    for (unsigned char c : s) {
        if (c < 0x80) out += static_cast<char>(c);
        else if ((c >> 6) != 2) out += replacement;
    }
    return out;
}

template <class Int>
bool valid_integer(const std::string& s) {
    std::string_view v(s);
    while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
    while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
    if (!v.empty() && v.front() == '+') v.remove_prefix(1);
    Int out{};
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
    return !v.empty() && ec == std::errc{} && end == v.data() + v.size();
}

// t, f, true, false, 1, 0, y, n, yes, no in any case. (ASCII folding by hand: this runs per
// field, and std::tolower looks up the locale per character.)
bool valid_boolean(const std::string& s) {
    if (s.size() > 5) return false;
    char lower[5];
    for (std::size_t i = 0; i < s.size(); ++i) lower[i] = static_cast<char>(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
    const std::string_view v(lower, s.size());
    return v == "t" || v == "f" || v == "true" || v == "false" || v == "1" || v == "0" || v == "y" || v == "n" ||
           v == "yes" || v == "no";
}

}  // namespace

std::optional<std::string> apply_datetime_format(const std::string& format, const std::string& text) {
    if (iequals(format, "epochsecs") || iequals(format, "epochmillisecs")) {
        char* end = nullptr;
        double v = std::strtod(text.c_str(), &end);
        if (text.empty() || *end) return std::nullopt;
        if (iequals(format, "epochmillisecs")) v /= 1000.0;
        std::time_t secs = static_cast<std::time_t>(v);
        std::tm tm{};
        gmtime_r(&secs, &tm);
        char out[64];
        std::strftime(out, sizeof out, "%Y-%m-%d %H:%M:%S", &tm);
        long micros = static_cast<long>((v - static_cast<double>(secs)) * 1e6 + 0.5);
        std::string s = out;
        if (micros > 0) {
            char frac[32];
            std::snprintf(frac, sizeof frac, ".%06ld", micros);
            s += frac;
        }
        return s;
    }
    // Tokens: YYYY YY MM MON DD HH24 HH12 HH MI SS AM/PM; anything else must match literally.
    int year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0;
    std::string fraction;
    bool pm = false, has_ampm = false, has_time = false;
    std::size_t t = 0;
    auto digits = [&](std::size_t max, int& out) {
        std::size_t n = 0;
        out = 0;
        while (n < max && t < text.size() && std::isdigit(static_cast<unsigned char>(text[t]))) out = out * 10 + (text[t++] - '0'), ++n;
        return n > 0;
    };
    static const char* months[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
    for (std::size_t f = 0; f < format.size();) {
        auto starts = [&](const char* token) { return iequals(format.substr(f, std::strlen(token)), token); };
        if (starts("YYYY")) { if (!digits(4, year)) return std::nullopt; f += 4; }
        else if (starts("YY")) { if (!digits(2, year)) return std::nullopt; year += year < 70 ? 2000 : 1900; f += 2; }
        else if (starts("MON")) {
            int m = 0;
            for (; m < 12; ++m)
                if (iequals(text.substr(t, 3), months[m])) break;
            if (m == 12) return std::nullopt;
            month = m + 1; t += 3; f += 3;
        }
        else if (starts("MM")) { if (!digits(2, month)) return std::nullopt; f += 2; }
        else if (starts("DD")) { if (!digits(2, day)) return std::nullopt; f += 2; }
        else if (starts("HH24")) { if (!digits(2, hour)) return std::nullopt; has_time = true; f += 4; }
        else if (starts("HH12")) { if (!digits(2, hour)) return std::nullopt; has_time = true; f += 4; }
        else if (starts("HH")) { if (!digits(2, hour)) return std::nullopt; has_time = true; f += 2; }
        else if (starts("MI")) { if (!digits(2, minute)) return std::nullopt; f += 2; }
        else if (starts("SS")) {
            if (!digits(2, second)) return std::nullopt;
            f += 2;
            if (t < text.size() && text[t] == '.') {  // fractional seconds may follow SS
                ++t;
                while (t < text.size() && std::isdigit(static_cast<unsigned char>(text[t]))) fraction += text[t++];
            }
        }
        else if (starts("AM") || starts("PM")) {
            has_ampm = true;
            if (iequals(text.substr(t, 2), "PM")) pm = true;
            else if (!iequals(text.substr(t, 2), "AM")) return std::nullopt;
            t += 2; f += 2;
        }
        else {
            if (t >= text.size() || text[t] != format[f]) return std::nullopt;
            ++t; ++f;
        }
    }
    if (t != text.size()) return std::nullopt;
    if (has_ampm) hour = hour % 12 + (pm ? 12 : 0);
    char out[64];
    if (has_time)
        std::snprintf(out, sizeof out, "%04d-%02d-%02d %02d:%02d:%02d", year, month, day, hour, minute, second);
    else
        std::snprintf(out, sizeof out, "%04d-%02d-%02d", year, month, day);
    return std::string(out) + (fraction.empty() ? "" : "." + fraction);
}

field_converter::field_converter(const dialect::copy_command& cmd, std::vector<target_column> columns)
    : cmd_(cmd), columns_(std::move(columns)), null_as_(cmd.null_as.value_or("\\N")) {}

std::optional<field_error> field_converter::convert_field(std::size_t column, input_field& field, bool& is_null) {
    const target_column& col = columns_[column];
    const bool is_char = is_char_type(col.type_oid);
    std::string& s = field.text;
    is_null = false;
    if (field.is_null || (!field.quoted && s == null_as_)) {
        is_null = true;
        return std::nullopt;
    }
    // Invalid UTF-8: replaced with ACCEPTINVCHARS' character, else the row is bad.
    for (std::size_t i = all_ascii(s) ? s.size() : 0; i < s.size();) {
        std::size_t n = utf8_length(s, i);
        if (n) {
            i += n;
            continue;
        }
        if (!cmd_.accept_inv_chars) {
            char hex[8];
            std::snprintf(hex, sizeof hex, "%02x", static_cast<unsigned char>(s[i]));
            return field_error{1220, std::string("String contains invalid or unsupported UTF8 codepoints. Bad UTF8 hex sequence: ") + hex, column};
        }
        s[i++] = (*cmd_.accept_inv_chars)[0];
    }
    if (is_char) {
        const bool blank = !s.empty() && is_space(s[0]) && is_blank(s);
        if (cmd_.trim_blanks) {
            while (!s.empty() && is_space(s.back())) s.pop_back();
        }
        if ((cmd_.empty_as_null && s.empty() && !field.quoted) || (cmd_.blanks_as_null && blank)) {
            is_null = true;
            return std::nullopt;
        }
        // Redshift's CHAR holds single-byte characters only (multi-byte-character-load-errors.html).
        if (col.type_oid == oid_bpchar && !all_ascii(s)) {
            if (!cmd_.accept_inv_chars) return field_error{1220, multibyte_in_char(s), column};
            s = replace_multibyte(s, (*cmd_.accept_inv_chars)[0]);
        }
        // VARCHAR(n) and CHAR(n) count bytes in Redshift, not characters (r_Character_types.html).
        if ((col.type_oid == oid_varchar || col.type_oid == oid_bpchar) && col.type_modifier >= 4) {
            std::size_t limit = static_cast<std::size_t>(col.type_modifier - 4);
            if (s.size() > limit) {
                if (!cmd_.truncate_columns)
                    return field_error{1204, "String length exceeds DDL length", column};
                s = truncate_bytes(s, limit);
            }
        }
        return std::nullopt;
    }
    if (s.empty() || (is_space(s[0]) && is_blank(s))) {  // empty non-character fields load as NULL, as in Redshift
        is_null = true;
        return std::nullopt;
    }
    switch (col.type_oid) {
        case oid_int2:
            if (!valid_integer<std::int16_t>(s)) return field_error{1207, "Invalid digit, Value '" + s + "', Type: Short", column};
            break;
        case oid_int4:
            if (!valid_integer<std::int32_t>(s)) return field_error{1207, "Invalid digit, Value '" + s + "', Type: Integer", column};
            break;
        case oid_int8:
            if (!valid_integer<std::int64_t>(s)) return field_error{1207, "Invalid digit, Value '" + s + "', Type: Long", column};
            break;
        case oid_float4:
        case oid_float8: {
            char* end = nullptr;
            std::strtod(s.c_str(), &end);
            if (*end && !iequals(s, "nan") && !iequals(s, "inf") && !iequals(s, "-inf") && !iequals(s, "infinity"))
                return field_error{1207, "Invalid digit, Value '" + s + "', Type: Double", column};
            break;
        }
        case oid_bool:
            if (!valid_boolean(s)) return field_error{1219, "Invalid boolean value '" + s + "'", column};
            break;
        case oid_date:
            if (cmd_.date_format && !iequals(*cmd_.date_format, "auto")) {
                auto iso = apply_datetime_format(*cmd_.date_format, s);
                if (!iso) return field_error{1205, "Invalid Date Format - value '" + s + "' does not match '" + *cmd_.date_format + "'", column};
                s = *iso;
            }
            break;
        case oid_timestamp:
        case oid_timestamptz:
            if (cmd_.time_format && !iequals(*cmd_.time_format, "auto")) {
                auto iso = apply_datetime_format(*cmd_.time_format, s);
                if (!iso) return field_error{1206, "Invalid timestamp format or value '" + s + "' for '" + *cmd_.time_format + "'", column};
                s = *iso;
            }
            break;
        case oid_bytea: {
            // Redshift loads VARBYTE from hex text (copy-usage-varbyte.html), as UNLOAD writes it;
            // PostgreSQL's bytea input wants it behind "\x" (else it reads the digits as bytes).
            const bool hex = s.size() % 2 == 0 && std::all_of(s.begin(), s.end(), [](char c) {
                return std::isxdigit(static_cast<unsigned char>(c));
            });
            if (!hex) return field_error{1207, "Invalid hexadecimal value '" + s + "', Type: Varbyte", column};
            s.insert(0, "\\x");
            break;
        }
        default: break;
    }
    return std::nullopt;
}

std::optional<field_error> field_converter::convert(input_record& record, std::string& out) {
    if (!record.error.empty()) return field_error{1216, record.error, 0};
    if (record.fields.size() < columns_.size())
        return field_error{1214, "Delimiter not found", record.fields.size() ? record.fields.size() - 1 : 0};
    if (record.fields.size() > columns_.size()) return field_error{1202, "Extra column(s) found", columns_.size() - 1};
    const std::size_t rollback = out.size();
    bool is_null = false;
    for (std::size_t c = 0; c < columns_.size(); ++c) {
        if (auto e = convert_field(c, record.fields[c], is_null)) {
            out.resize(rollback);
            return e;
        }
        if (is_null && columns_[c].not_null) {
            out.resize(rollback);
            return field_error{1213, "Missing data for not-null field", c};
        }
        if (c) out += '\t';
        append_pg_text_field(out, is_null ? std::nullopt : std::optional<std::string_view>(record.fields[c].text));
    }
    out += '\n';
    return std::nullopt;
}

}  // namespace localaws::redshift::bulk
