#include "tools/localaws/redshift/dialect/lexer.hpp"

#include <cctype>

#include "tools/localaws/redshift/sql_scanner.hpp"

namespace localaws::redshift::dialect {

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
            // '' (and, in single-quoted text, \' as Redshift's examples use) stand for one quote.
            t.kind = c == '\'' ? token_kind::string : token_kind::quoted_identifier;
            std::size_t k = i + 1;
            bool closed = false;
            while (k < sql.size()) {
                if (c == '\'' && sql[k] == '\\' && k + 1 < sql.size() && sql[k + 1] == '\'') {
                    t.text += '\'';
                    k += 2;
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
