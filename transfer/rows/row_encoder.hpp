#pragma once
// Rows to bytes, in the two output formats extract writes (and load reads back):
//  - CSV (RFC 4180): "\n" line ends, a header line, NULL as an empty unquoted field, an empty
//    string as "", a field quoted when it holds a comma, a quote, CR or LF (quotes doubled);
//  - NDJSON: one object per row, keys in column order; integers, decimals and reals as bare JSON
//    numbers with the exact digits (NaN and the infinities, which JSON cannot hold, as strings);
//    booleans as true/false; SUPER embedded as JSON; NULL as null; everything else a JSON string.
// Values are the canonical text value_text.hpp describes. Stateless: many threads may encode
// different batches of one schema at once.

#include "transfer/rows/column.hpp"
#include "transfer/rows/row_batch.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace shiftsync::transfer::rows {

enum class output_format { csv, ndjson };

// The header line (CSV) or nothing (NDJSON).
void encode_header(output_format format, const schema& columns, std::string& out);
void encode_rows(output_format format, const schema& columns, const row_batch& batch, std::string& out);

// Rows as Redshift's COPY … CSV NULL AS '<null_marker>' reads them, for staged files: NULL is the
// marker (unquoted), an empty string "", a field with a comma, quote, CR or LF (or one equal to the
// marker) quoted. When `sequence` is set, each row ends with one more field: its number, counting
// on from *sequence (the load's source order, for upsert's "last wins").
// `lines_per_row`, when given, receives each row's count of physical lines, but only when some row
// spans more than one (a quoted line break); it stays empty when every row is one line.
void encode_copy_csv(const row_batch& batch, std::string_view null_marker, std::uint64_t* sequence, std::string& out,
                     std::vector<std::uint32_t>* lines_per_row = nullptr);

// Appends `text` as a JSON string (quoted, escaped).
void append_json_string(std::string_view text, std::string& out);

}  // namespace shiftsync::transfer::rows
