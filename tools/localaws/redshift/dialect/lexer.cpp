#include "tools/localaws/redshift/dialect/lexer.hpp"

#include <cctype>

#include "tools/localaws/redshift/sql_scanner.hpp"

namespace localaws::redshift::dialect {
namespace {

bool is_octal(char c) { return c >= '0' && c <= '7'; }

// One backslash escape in a string literal, sql[k] being the backslash and k + 1 in range.
// Appends what it stands for; returns the index after it.
std::size_t unescape(std::string_view sql, std::size_t k, std::string& out) {
    const char e = sql[k + 1];
    switch (e) {
        case 'b': out += '\b'; return k + 2;
        case 'f': out += '\f'; return k + 2;
        case 'n': out += '\n'; return k + 2;
        case 'r': out += '\r'; return k + 2;
        case 't': out += '\t'; return k + 2;
        default: break;
    }
    std::size_t end = k + 1;
    unsigned value = 0;
    if (is_octal(e)) {
        while (end < sql.size() && end < k + 4 && is_octal(sql[end])) value = value * 8 + (sql[end++] - '0');
        out += static_cast<char>(value & 0xff);
        return end;
    }
    if (e == 'x' && k + 2 < sql.size() && std::isxdigit(static_cast<unsigned char>(sql[k + 2]))) {
        for (end = k + 2; end < sql.size() && end < k + 4 && std::isxdigit(static_cast<unsigned char>(sql[end])); ++end) {
            const int digit = std::tolower(static_cast<unsigned char>(sql[end]));
            value = value * 16 + static_cast<unsigned>(std::isdigit(digit) ? digit - '0' : digit - 'a' + 10);
        }
        out += static_cast<char>(value);
        return end;
    }
    out += e;  // \\ is a backslash, \' a quote; any other character stands for itself
    return k + 2;
}

}  // namespace

std::vector<token> lex(std::string_view sql, std::string& error) {
    std::vector<token> out;
    std::size_t i = 0;
    while (i < sql.size()) {
        unsigned char c = static_cast<unsigned char>(sql[i]);
        if (std::isspace(c)) {
            ++i;
            continue;
        }
        if ((c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') || (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*')) {
            i = skip_non_code(sql, i);
            continue;
        }
        token t;
        t.offset = i;
        if (c == '\'' || c == '"') {
            // Redshift's string literals: '' is a quote, and backslash escapes are decoded as
            // PostgreSQL decodes E'…' (\' a quote, \\ a backslash, \t a tab, \ooo octal, \xhh
            // hex) — UNLOAD's documentation has the query escape its quotes and backslashes.
            // Quoted identifiers only double their quote.
            t.kind = c == '\'' ? token_kind::string : token_kind::quoted_identifier;
            std::size_t k = i + 1;
            bool closed = false;
            while (k < sql.size()) {
                if (c == '\'' && sql[k] == '\\') {
                    if (k + 1 >= sql.size()) break;
                    k = unescape(sql, k, t.text);
                } else if (sql[k] == static_cast<char>(c)) {
                    if (k + 1 < sql.size() && sql[k + 1] == static_cast<char>(c)) {
                        t.text += sql[k];
                        k += 2;
                    } else {
                        closed = true;
                        ++k;
                        break;
                    }
                } else {
                    t.text += sql[k++];
                }
            }
            if (!closed) {
                error = "unterminated quoted string at or near \"" + std::string(sql.substr(i, 20)) + "\"";
                return out;
            }
            i = k;
        } else if (std::isalpha(c) || c == '_' || c >= 0x80) {
            std::size_t end = i;
            while (end < sql.size() && (std::isalnum(static_cast<unsigned char>(sql[end])) || sql[end] == '_' ||
                                        sql[end] == '$' || static_cast<unsigned char>(sql[end]) >= 0x80))
                ++end;
            t.kind = token_kind::word;
            t.text = std::string(sql.substr(i, end - i));
            i = end;
        } else if (std::isdigit(c)) {
            std::size_t end = i;
            while (end < sql.size() && (std::isdigit(static_cast<unsigned char>(sql[end])) || sql[end] == '.')) ++end;
            t.kind = token_kind::number;
            t.text = std::string(sql.substr(i, end - i));
            i = end;
        } else {
            t.kind = token_kind::symbol;
            t.text = std::string(1, static_cast<char>(c));
            ++i;
        }
        out.push_back(std::move(t));
    }
    token end;
    end.offset = sql.size();
    out.push_back(end);
    return out;
}

}  // namespace localaws::redshift::dialect
