#pragma once
// Lexical helpers shared by the dialect parser, the rewrites and parameter binding: they know
// where SQL text is code and where it is a literal, a quoted identifier or a comment.

#include <string>
#include <string_view>
#include <vector>

namespace localaws::redshift {

// If a string literal ('…' or E'…', both with backslash escapes as in Redshift), a quoted
// identifier ("…"), a dollar-quoted body ($tag$…$tag$), or a comment (-- … and nested /* … */)
// starts at `at`, returns the index just past it; otherwise returns `at`. Unterminated ones run
// to the end.
std::size_t skip_non_code(std::string_view sql, std::size_t at);

// Splits SQL text at top-level semicolons (not inside literals, identifiers, comments or dollar
// quotes) into statements, trimmed; empty statements are dropped.
std::vector<std::string> split_statements(std::string_view sql);

// Case-insensitive ASCII comparison.
bool iequals(std::string_view a, std::string_view b);

}  // namespace localaws::redshift
