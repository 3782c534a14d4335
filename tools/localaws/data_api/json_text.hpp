#pragma once
// JSON text appended straight to a string, for responses too big to build as boost::json values
// first (a GetStatementResult page: ~1 MB, ~200,000 fields). The output is byte for byte what
// boost::json::serialize writes for the same value, so clients cannot tell the two apart.

#include <cstdint>
#include <string>
#include <string_view>

namespace localaws::data_api::json_text {

// `"…"` with boost::json's escapes: \" \\ \b \f \n \r \t, other control characters as \u00xx;
// every other byte (UTF-8 included) unchanged.
void append_string(std::string& out, std::string_view s);

// Decimal, as boost::json writes an int64.
void append_int(std::string& out, std::int64_t v);

// Finite doubles only: the shortest digits that read back to the same double, in boost::json's
// (Ryu's) form: one digit, optional fraction, 'E', exponent without '+' or leading zeros
// ("5E-1", "1.7976931348623157E308", "-0E0").
void append_double(std::string& out, double v);

}  // namespace localaws::data_api::json_text
