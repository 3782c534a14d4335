#pragma once
// The canonical text of each kind of value: what shiftsync writes, whichever way it read the value.
// Redshift prints some types differently on its two read paths (the Data API sends booleans as
// JSON true/false and doubles as JSON numbers, UNLOAD writes t/f and the database's text); both
// are brought to one form here:
//   boolean      true | false
//   real4/real8  the shortest decimal text that reads back to the same float / double
//                ("0.1", "1e+20"); NaN, Infinity and -Infinity spelled so
//   time kinds   the fraction of a second without trailing zeros ("12:00:00.5", "12:00:00")
//   varbyte      lowercase hex, no "\x" prefix
//   the others   exactly the characters Redshift printed (decimals keep every digit of the scale)

#include "transfer/rows/column.hpp"

#include <string>
#include <string_view>

namespace shiftsync::transfer::rows {

// Appends the canonical form of `printed` (a value as Redshift prints it: an UNLOAD field or a
// Data API stringValue). False when it is not a value of `kind` (out is then unchanged).
bool append_canonical(value_kind kind, std::string_view printed, std::string& out);

// The canonical text of numbers the Data API sends typed.
void append_integer(long long value, std::string& out);
void append_real(value_kind kind, double value, std::string& out);
void append_hex(std::string_view bytes, std::string& out);

}  // namespace shiftsync::transfer::rows
