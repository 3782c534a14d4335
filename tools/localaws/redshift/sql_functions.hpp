#pragma once
// Redshift's SQL functions that PostgreSQL lacks, as SQL-level functions in pg_catalog: found on
// every search_path without qualification, as Redshift's built-ins are, and out of users' schemas.
//   JSON_PARSE(varchar) -> SUPER (jsonb). Malformed JSON fails with SQLSTATE 22P02 and
//                          "JSON parsing error: <what PostgreSQL's parser found>".
//   FROM_HEX, TO_HEX(varbyte), TO_VARBYTE(s, 'hex'|'binary'|'utf8'), FROM_VARBYTE(b, same formats)
//   localaws_varbyte_fits(bytea, n): the length check of VARBYTE(n) columns (see dialect/rewrite.hpp)
//   VARCHAR(n)/CHAR(n) counted in bytes on INSERT and UPDATE (byte_lengths.hpp)
// install_sql_functions() creates them in every database that accepts connections, template1
// included, so databases created later (CREATE DATABASE copies template1) have them too. Idempotent
// (CREATE OR REPLACE): run at every start. Blocking; connects as the cluster's superuser.

#include <string>

#include "tools/localaws/redshift/pg/cluster.hpp"

namespace localaws::redshift {

// Returns an empty string, or the first error.
std::string install_sql_functions(const pg::cluster& cluster);

}  // namespace localaws::redshift
