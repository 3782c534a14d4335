#pragma once
// Tokens of Redshift's UNLOAD and COPY commands. Words are kept as written (compare them with
// iequals); string literals are decoded as Redshift decodes them ('' and \' -> ', \\ -> \,
// \t \n \r \b \f, \ooo octal, \xhh hex, any other \c -> c); numbers stay text.

#include <string>
#include <string_view>
#include <vector>

namespace localaws::redshift::dialect {

enum class token_kind { word, string, quoted_identifier, number, symbol, end };

struct token {
    token_kind kind = token_kind::end;
    std::string text;       // word as written; string/identifier unescaped; symbol: "(", ")", ",", ";", "=", "."
    std::size_t offset = 0; // where it starts in the SQL
};

// Lexes the whole command. An unterminated string gives `error` ("unterminated quoted string").
std::vector<token> lex(std::string_view sql, std::string& error);

}  // namespace localaws::redshift::dialect
