#pragma once
// The query a stream reads its source with (sans-IO, unit-tested):
//
//   SELECT <columns | *> FROM <"schema"."table" | (<sql>) AS "shiftsync_source">
//   [WHERE (<where>)] [AND] ["<cursor>" >= <lower bound literal>]
//
// The table name is parsed as users type it (a "quoted" part exact; Redshift and PostgreSQL fold
// unquoted ones); columns and the cursor are identifiers, always quoted; `where` is the user's SQL,
// parenthesised so an OR inside it cannot swallow the cursor's condition; a query's trailing
// semicolons are dropped so it can be a subquery.

#include "transfer/sync/cursor.hpp"

#include <optional>
#include <string>
#include <vector>

namespace shiftsync::transfer::sync {

struct source_query_spec {
    std::string table;
    std::string sql;
    std::vector<std::string> columns;
    std::string where;
    std::string cursor;
    std::optional<std::string> lower_bound;  // canonical text
    rows::value_kind cursor_kind = rows::value_kind::text;
    sql_dialect dialect = sql_dialect::redshift;
};

// The statement, or "" with `why` (a table name that is not one).
std::string build_source_query(const source_query_spec& spec, std::string& why);

// rows::to_string's inverse ("timestamp" → value_kind::timestamp); nullopt for an unknown name.
std::optional<rows::value_kind> kind_from_name(std::string_view name);

}  // namespace shiftsync::transfer::sync
