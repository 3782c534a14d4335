#pragma once
// Scanners over one line of JSON text (RFC 8259), for ndjson_decoder. A hand-written scanner
// rather than a DOM or simdjson's On-Demand, because the decoder needs what those hide or cost:
// a number's digits exactly as written (never through a double), the key order and repeats of one
// object, and no padded copy of every line.
//
// Each scanner starts at s[i]. When the text there is well formed it leaves i just past it and
// returns nullptr; otherwise it returns what was wrong (a fixed message) with i at the offending
// byte. They check JSON's structure only: the caller validates the line's UTF-8 as a whole first.

#include <cstddef>
#include <string>
#include <string_view>

namespace shiftsync::transfer::rows::json {

// Deeper nesting is refused rather than risking a recursion's stack on a pool thread.
inline constexpr int max_depth = 512;

inline void skip_space(std::string_view s, std::size_t& i) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n')) ++i;
}

// A string, i at its opening quote. `text` becomes its unescaped UTF-8: a view into `s` when
// there was nothing to unescape, else into `scratch` (overwritten). With scratch == nullptr the
// string is only checked.
const char* scan_string(std::string_view s, std::size_t& i, std::string* scratch, std::string_view& text);

// A number, i at its first character; its token is s.substr(start, i - start).
const char* scan_number(std::string_view s, std::size_t& i);

// true, false or null: `word` itself, not followed by more letters.
const char* scan_word(std::string_view s, std::size_t& i, std::string_view word);

// Any value, appended to `out` without the whitespace between tokens; strings and numbers are
// copied as written (escapes and digits unchanged), so the text stays valid JSON.
const char* append_minified(std::string_view s, std::size_t& i, std::string& out, int depth = 0);

}  // namespace shiftsync::transfer::rows::json
