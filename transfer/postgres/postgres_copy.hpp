#pragma once
// The SQL text of the PostgreSQL table sink and the rows it sends: quoted identifiers, the
// CREATE TABLE and COPY statements, and batches as COPY's CSV. Sans-IO.
//
// COPY's CSV (FORMAT csv, DELIMITER ',', QUOTE '"', NULL ''): every non-NULL value is quoted
// (quotes doubled), NULL is an empty unquoted field, so an empty string ("") and NULL stay
// apart; quoting everything also keeps a value "\." from reading as COPY's end-of-data line and
// line breaks inside values from ending the row. Values are the canonical text of
// rows/value_text.hpp, which PostgreSQL's input functions read as they are (true/false, NaN,
// Infinity, "+05:30" offsets, JSON for jsonb) except VARBYTE: its lowercase hex gets bytea's
// "\x" prefix.

#include "transfer/rows/column.hpp"
#include "transfer/sql/sql_text.hpp"
#include "transfer/rows/row_batch.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace shiftsync::transfer::postgres {

using sql::quote_identifier;

// schema empty: the connection's current schema (the first of its search_path).
using qualified_name = sql::table_name;
// "schema.table" or "table" as PostgreSQL reads it: an unquoted part is folded to lower case, a
// "quoted" part is exact ("" is a quote inside). nullopt when it is not one or two names.
std::optional<qualified_name> parse_qualified_name(std::string_view text);
// "schema"."table" (the schema must be known by now).
std::string quoted(const qualified_name& name);

std::string create_table_statement(const qualified_name& name, const rows::schema& columns);
std::string copy_statement(const qualified_name& name, const rows::schema& columns);

// Appends the batch's rows as COPY CSV lines ("\n" after each row).
void encode_copy_rows(const rows::schema& columns, const rows::row_batch& batch, std::string& out);

}  // namespace shiftsync::transfer::postgres
