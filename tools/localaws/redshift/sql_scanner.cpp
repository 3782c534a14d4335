#include "tools/localaws/redshift/sql_scanner.hpp"

#include <cctype>

namespace localaws::redshift {

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    }
    return true;
}

namespace {

std::size_t skip_quoted(std::string_view sql, std::size_t at, char quote, bool backslash_escapes) {
    std::size_t i = at + 1;
    while (i < sql.size()) {
        if (backslash_escapes && sql[i] == '\\') {
            i += 2;
            continue;
        }
        if (sql[i] == quote) {
            if (i + 1 < sql.size() && sql[i + 1] == quote) {  // doubled quote inside
                i += 2;
                continue;
            }
            return i + 1;
        }
        ++i;
    }
    return sql.size();
}

bool is_ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

}  // namespace

std::size_t skip_non_code(std::string_view sql, std::size_t at) {
    if (at >= sql.size()) return at;
    char c = sql[at];
    bool after_ident = at > 0 && (is_ident_char(sql[at - 1]) || sql[at - 1] == '$');
    // Redshift's string literals take backslash escapes ('it\'s', 'a\\b'), as PostgreSQL's did
    // before standard_conforming_strings; localaws's sessions run with it off to match, so '…' and
    // E'…' end at the same quote.
    if (c == '\'') return skip_quoted(sql, at, '\'', true);
    if ((c == 'E' || c == 'e') && !after_ident && at + 1 < sql.size() && sql[at + 1] == '\'')
        return skip_quoted(sql, at + 1, '\'', true);
    if (c == '"') return skip_quoted(sql, at, '"', false);
    if (c == '-' && at + 1 < sql.size() && sql[at + 1] == '-') {
        std::size_t end = sql.find('\n', at);
        return end == std::string_view::npos ? sql.size() : end + 1;
    }
    if (c == '/' && at + 1 < sql.size() && sql[at + 1] == '*') {
        int depth = 0;
        std::size_t i = at;
        while (i + 1 < sql.size()) {
            if (sql[i] == '/' && sql[i + 1] == '*') {
                ++depth;
                i += 2;
            } else if (sql[i] == '*' && sql[i + 1] == '/') {
                i += 2;
                if (--depth == 0) return i;
            } else {
                ++i;
            }
        }
        return sql.size();
    }
    if (c == '$' && !after_ident) {
        std::size_t end = at + 1;
        while (end < sql.size() && is_ident_char(sql[end]) && !std::isdigit(static_cast<unsigned char>(sql[at + 1])))
            ++end;
        if (end < sql.size() && sql[end] == '$') {
            std::string_view tag = sql.substr(at, end - at + 1);
            std::size_t close = sql.find(tag, end + 1);
            return close == std::string_view::npos ? sql.size() : close + tag.size();
        }
    }
    return at;
}

std::vector<std::string> split_statements(std::string_view sql) {
    std::vector<std::string> out;
    auto push = [&](std::string_view piece) {
        std::size_t b = 0, e = piece.size();
        while (b < e && std::isspace(static_cast<unsigned char>(piece[b]))) ++b;
        while (e > b && std::isspace(static_cast<unsigned char>(piece[e - 1]))) --e;
        if (e > b) out.emplace_back(piece.substr(b, e - b));
    };
    std::size_t start = 0;
    for (std::size_t i = 0; i < sql.size();) {
        std::size_t skip = skip_non_code(sql, i);
        if (skip != i) {
            i = skip;
            continue;
        }
        if (sql[i] == ';') {
            push(sql.substr(start, i - start));
            start = i + 1;
        }
        ++i;
    }
    push(sql.substr(start));
    return out;
}

}  // namespace localaws::redshift
