#pragma once
// The Data API's named parameters: ":name" placeholders in the SQL, values given as strings.
// Rewritten to PostgreSQL's $1, $2, … (values sent untyped, so PostgreSQL infers each type from
// its context as Redshift does). The scan skips what is not SQL code: string literals ('…', E'…'),
// quoted identifiers, dollar-quoted bodies, comments, and "::" casts.

#include <string>
#include <vector>

#include "tools/localaws/data_api/api_error.hpp"

namespace localaws::data_api {

struct sql_parameter {
    std::string name;
    std::string value;
};

struct bound_sql {
    std::string sql;                  // with $n placeholders
    std::vector<std::string> values;  // $1 is values[0]
    std::vector<std::string> used;    // parameter names the SQL refers to
};

// Fails (ValidationException) for a placeholder without a value, a duplicate or invalid parameter
// name, and — when `require_all_used` — a parameter the SQL never uses. (A batch shares one
// parameter list among its statements: there, each parameter must be used by some statement.)
result<bound_sql> bind_parameters(const std::string& sql, const std::vector<sql_parameter>& parameters,
                                  bool require_all_used = true);

}  // namespace localaws::data_api
