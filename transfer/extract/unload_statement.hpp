#pragma once
// The UNLOAD statement extract runs, built from the user's query (sans-IO, unit-tested):
//
//   UNLOAD ('<query>') TO 's3://<staging>/<run-id>/result/' IAM_ROLE '<role>'
//   FORMAT CSV GZIP MANIFEST VERBOSE ALLOWOVERWRITE NULL AS '<marker>' PARALLEL ON|OFF [MAXFILESIZE <n> MB]
//
// The query goes inside a string literal, so Redshift reads it twice: once as the literal (where
// a quote is written '' and a backslash \\, since Redshift's literals treat \ as an escape), then
// as SQL. Both are doubled here.
// Order: a query whose outermost clause is ORDER BY is unloaded PARALLEL OFF (Redshift then writes
// it sorted, in order, across files); any other query PARALLEL ON, its rows in no promised order.

#include "transfer/sql/sql_text.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace shiftsync::transfer::extract {

// The query without trailing semicolons and whitespace (UNLOAD and LIMIT 0 wrap it).
std::string trim_query(std::string_view query);
// True when the query's last top-level clause sequence has an ORDER BY (outside parentheses,
// strings, quoted identifiers and comments).
bool has_outer_order_by(std::string_view query);
using sql::escape_literal;  // the literal's body: ' and \ doubled (Redshift's rules)

struct unload_spec {
    std::string query;
    std::string destination;  // s3://bucket/prefix/ (ends with '/')
    std::string iam_role;
    std::string null_marker;
    bool parallel = true;
    std::uint64_t max_file_size_mb = 0;  // 0: Redshift's default (6.2 GB)
};
std::string unload_sql(const unload_spec& spec);

// The query wrapped so it returns no rows but all its columns (the UNLOAD path's column types).
std::string columns_only_sql(std::string_view query);

using sql::null_marker_for;  // a NULL AS marker unique to the run

}  // namespace shiftsync::transfer::extract
