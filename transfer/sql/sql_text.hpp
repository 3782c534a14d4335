#pragma once
// SQL text built from names and values, for every statement shiftsync writes (UNLOAD, COPY, the
// load's merge, the PostgreSQL sink): identifiers always quoted, literals always escaped, table
// names as users type them. Sans-IO.

#include <optional>
#include <string>
#include <string_view>

namespace shiftsync::transfer::sql {

// "name" with quotes doubled: any name, even `"; drop table x; --`, stays one identifier.
std::string quote_identifier(std::string_view name);

// The body of a string literal by Redshift's rules: ' and \ doubled (Redshift's literals take
// backslash escapes).
std::string escape_literal(std::string_view text);
// The whole literal, quotes included.
std::string quote_literal(std::string_view text);
// A literal by PostgreSQL's standard rules (standard_conforming_strings on): only ' doubled.
std::string quote_standard_literal(std::string_view text);

struct table_name {
    std::string schema;  // "": the search path's (Redshift), the connection's current schema (PostgreSQL)
    std::string table;
    // "schema"."table", or "table" alone when the schema is empty.
    std::string quoted() const;
};

// How an unquoted part of a typed name is read: as written, or folded to lower case (ASCII
// letters), as PostgreSQL folds unquoted identifiers.
enum class unquoted_names { kept, folded };

// "schema.table" or "table"; a part may be "quoted" ("" is a quote inside). nullopt unless it is
// one or two non-empty names.
std::optional<table_name> parse_table_name(std::string_view text, unquoted_names unquoted);

// A NULL AS marker for staged CSV no data value will equal: printable, made from `unique` (a run id).
std::string null_marker_for(std::string_view unique);

}  // namespace shiftsync::transfer::sql
