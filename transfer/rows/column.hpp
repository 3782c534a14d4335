#pragma once
// The row model extract and load share: a column (its name and Redshift type) and the kind of
// value it holds, which decides how a value is normalised, written as CSV or NDJSON, and read back.
//
// Values travel as text in one documented canonical form per kind (see value_text.hpp), so both
// read paths (the Data API's typed JSON fields and UNLOAD's CSV files) produce identical bytes.

#include <string>
#include <string_view>
#include <vector>

namespace shiftsync::transfer::rows {

enum class value_kind {
    integer,      // int2, int4, int8: decimal digits
    decimal,      // numeric(p, s): every digit as Redshift prints it, trailing zeros of the scale kept
    real4,        // float4: the shortest text that reads back to the same float
    real8,        // float8: the shortest text that reads back to the same double
    boolean,      // true / false
    text,         // char, varchar, text, and anything unknown: the characters as stored
    date,         // 2026-12-02
    time,         // 13:45:00[.ffffff], fraction without trailing zeros
    timetz,       // 13:45:00[.ffffff]+00
    timestamp,    // 2026-12-02 13:45:00[.ffffff]
    timestamptz,  // 2026-12-02 13:45:00[.ffffff]+00
    super,        // JSON text
    varbyte,      // lowercase hexadecimal, two digits per byte, no prefix
};

// Kind of a Redshift type name as ColumnMetadata's typeName spells it ("int4", "numeric",
// "bpchar", "timestamptz", "super", "varbyte", ...). Unknown names are text.
value_kind kind_of_type(std::string_view type_name);
std::string_view to_string(value_kind kind);

// True for the kinds NDJSON writes as bare JSON numbers.
inline bool is_number(value_kind k) {
    return k == value_kind::integer || k == value_kind::decimal || k == value_kind::real4 || k == value_kind::real8;
}

struct column {
    std::string name;
    std::string type_name;  // Redshift's, as ColumnMetadata gives it
    value_kind kind = value_kind::text;
    int precision = 0;
    int scale = 0;
    bool nullable = true;
};

using schema = std::vector<column>;

}  // namespace shiftsync::transfer::rows
