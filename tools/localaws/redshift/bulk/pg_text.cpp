#include "tools/localaws/redshift/bulk/pg_text.hpp"

#include <array>

namespace localaws::redshift::bulk {

void split_pg_text_row(std::string_view row, std::vector<std::optional<std::string>>& fields) {
    fields.clear();
    std::size_t start = 0;
    while (true) {
        std::size_t end = row.find('\t', start);
        std::string_view raw = row.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
        if (raw == "\\N") {
            fields.emplace_back(std::nullopt);
        } else {
            std::string value;
            value.reserve(raw.size());
            for (std::size_t i = 0; i < raw.size(); ++i) {
                if (raw[i] != '\\' || i + 1 >= raw.size()) {
                    value += raw[i];
                    continue;
                }
                char e = raw[++i];
                switch (e) {
                    case 'n': value += '\n'; break;
                    case 'r': value += '\r'; break;
                    case 't': value += '\t'; break;
                    case 'b': value += '\b'; break;
                    case 'f': value += '\f'; break;
                    case 'v': value += '\v'; break;
                    default:
                        if (e >= '0' && e <= '7') {  // up to three octal digits
                            int v = e - '0';
                            for (int k = 0; k < 2 && i + 1 < raw.size() && raw[i + 1] >= '0' && raw[i + 1] <= '7'; ++k)
                                v = v * 8 + (raw[++i] - '0');
                            value += static_cast<char>(v);
                        } else {
                            value += e;  // "\\" and any escaped character stand for themselves
                        }
                }
            }
            fields.emplace_back(std::move(value));
        }
        if (end == std::string_view::npos) break;
        start = end + 1;
    }
}

namespace {

// The bytes COPY's text format escapes (backslash and the three control characters it splits on).
constexpr auto escaped = [] {
    std::array<bool, 256> table{};
    for (unsigned char c : {'\\', '\n', '\r', '\t'}) table[c] = true;
    return table;
}();

}  // namespace

void append_pg_text_field(std::string& out, const std::optional<std::string_view>& value) {
    if (!value) {
        out += "\\N";
        return;
    }
    // One look at each byte: the plain prefix (usually the whole field) is copied at once.
    const std::string_view v = *value;
    std::size_t plain = 0;
    while (plain < v.size() && !escaped[static_cast<unsigned char>(v[plain])]) ++plain;
    out.append(v.data(), plain);
    for (std::size_t i = plain; i < v.size(); ++i) {
        switch (v[i]) {
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default: out += v[i];
        }
    }
}

}  // namespace localaws::redshift::bulk
