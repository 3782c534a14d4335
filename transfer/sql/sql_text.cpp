#include "transfer/sql/sql_text.hpp"

#include <cctype>
#include <vector>

namespace shiftsync::transfer::sql {

std::string quote_identifier(std::string_view name) {
    std::string out;
    out.reserve(name.size() + 2);
    out += '"';
    for (char c : name) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
    return out;
}

std::string escape_literal(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 8);
    for (char c : text) {
        if (c == '\'' || c == '\\') out += c;
        out += c;
    }
    return out;
}

std::string quote_literal(std::string_view text) { return "'" + escape_literal(text) + "'"; }

std::string table_name::quoted() const {
    return schema.empty() ? quote_identifier(table) : quote_identifier(schema) + "." + quote_identifier(table);
}

std::optional<table_name> parse_table_name(std::string_view text, unquoted_names unquoted) {
    std::vector<std::string> parts(1);
    bool in_quotes = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '"') {
            if (in_quotes && i + 1 < text.size() && text[i + 1] == '"') {
                parts.back() += '"';
                ++i;
            } else {
                in_quotes = !in_quotes;
            }
        } else if (c == '.' && !in_quotes) {
            parts.emplace_back();
        } else if (!in_quotes && unquoted == unquoted_names::folded && c >= 'A' && c <= 'Z') {
            parts.back() += static_cast<char>(c - 'A' + 'a');
        } else {
            parts.back() += c;
        }
    }
    if (in_quotes || parts.size() > 2) return std::nullopt;
    for (const auto& p : parts)
        if (p.empty()) return std::nullopt;
    if (parts.size() == 1) return table_name{{}, parts[0]};
    return table_name{parts[0], parts[1]};
}

std::string null_marker_for(std::string_view unique) {
    std::string marker = "__shiftsync_null_";
    for (char c : unique)
        if (std::isalnum(static_cast<unsigned char>(c))) marker += c;
    return marker + "__";
}

std::string quote_standard_literal(std::string_view text) {
    std::string out = "'";
    for (char c : text) {
        if (c == '\'') out += '\'';
        out += c;
    }
    return out + "'";
}

}  // namespace shiftsync::transfer::sql
