#pragma once
// Walks a token list for the UNLOAD/COPY parsers: keyword tests, optional AS, and Redshift-style
// syntax errors ("syntax error at or near \"X\"").

#include <string>
#include <vector>

#include "tools/localaws/redshift/dialect/lexer.hpp"

namespace localaws::redshift::dialect {

class token_cursor {
public:
    explicit token_cursor(std::vector<token> tokens) : tokens_(std::move(tokens)) {}

    const token& peek(std::size_t ahead = 0) const {
        std::size_t i = pos_ + ahead;
        return i < tokens_.size() ? tokens_[i] : tokens_.back();
    }
    const token& next() { return tokens_[pos_ < tokens_.size() - 1 ? pos_++ : pos_]; }
    bool at_end() const { return peek().kind == token_kind::end || (peek().kind == token_kind::symbol && peek().text == ";"); }
    bool is_word(const char* word, std::size_t ahead = 0) const;
    bool accept_word(const char* word);
    bool accept_symbol(const char* symbol);
    void accept_as() { accept_word("AS"); }
    // A string literal (consumed), or nullopt (nothing consumed).
    bool take_string(std::string& out);
    bool take_number(std::string& out);

    // "syntax error at or near \"<current token>\"".
    std::string syntax_error() const;

private:
    std::vector<token> tokens_;
    std::size_t pos_ = 0;
};

}  // namespace localaws::redshift::dialect
