#include "tools/localaws/redshift/dialect/token_cursor.hpp"

#include "tools/localaws/redshift/sql_scanner.hpp"

namespace localaws::redshift::dialect {

bool token_cursor::is_word(const char* word, std::size_t ahead) const {
    const token& t = peek(ahead);
    return t.kind == token_kind::word && iequals(t.text, word);
}

bool token_cursor::accept_word(const char* word) {
    if (!is_word(word)) return false;
    next();
    return true;
}

bool token_cursor::accept_symbol(const char* symbol) {
    if (peek().kind != token_kind::symbol || peek().text != symbol) return false;
    next();
    return true;
}

bool token_cursor::take_string(std::string& out) {
    if (peek().kind != token_kind::string) return false;
    out = next().text;
    return true;
}

bool token_cursor::take_number(std::string& out) {
    if (peek().kind != token_kind::number) return false;
    out = next().text;
    return true;
}

std::string token_cursor::syntax_error() const {
    const token& t = peek();
    if (t.kind == token_kind::end) return "syntax error at end of input";
    std::string shown = t.kind == token_kind::string ? "'" + t.text + "'" : t.text;
    return "syntax error at or near \"" + shown + "\"";
}

}  // namespace localaws::redshift::dialect
