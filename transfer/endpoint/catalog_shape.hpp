#pragma once
// The Data API's catalog calls (ListDatabases, ListSchemas, ListTables, DescribeTable) as catalog
// queries on the endpoint: the statements (request builders) and their rows converted to the
// models the Data API client returns, so that `shiftsync discover` prints the same on both paths.
// Sans-IO; transfer/endpoint/catalog.hpp runs them on a connection.
//
// What the Data API answers, and so what these reproduce:
// - ListDatabases: the databases one may connect to, without templates or PostgreSQL's "postgres".
// - ListSchemas / ListTables: LIKE patterns ("%" when empty), never the toast and temporary schemas
//   (pg_toast*, pg_temp_*) nor localaws_sys (localaws keeps its own rows there and its ListSchemas
//   hides it; no Redshift has one); tables, partitioned tables, views, materialized views and
//   foreign tables; "TABLE"/"VIEW", "SYSTEM TABLE"/"SYSTEM VIEW" in pg_catalog and
//   information_schema. Ordered by schema, then name.
// - DescribeTable: the columns in their order, typeName from format_type() without modifiers in
//   Redshift's spelling (SUPER and VARBYTE, which localaws's PostgreSQL stores as jsonb and bytea),
//   precision/scale/length as JDBC reports them (shape_of_column).

#include "aws/redshift_data/types.hpp"
#include "engine/pg/pg_result.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace shiftsync::transfer::endpoint {

// One catalog query: SQL with $n placeholders and their values (never pasted into the SQL).
struct catalog_statement {
    std::string sql;
    std::vector<engine::pg::parameter> parameters;
};

catalog_statement list_databases_statement();
catalog_statement list_schemas_statement(std::string_view schema_pattern);
catalog_statement list_tables_statement(std::string_view schema_pattern, std::string_view table_pattern);
catalog_statement describe_table_statement(std::string_view schema, std::string_view table);

// `name` as a LIKE pattern that matches exactly it ('%', '_' and '\' escaped with '\', LIKE's
// default escape on PostgreSQL and Redshift): ListTables takes only a schema pattern, and a schema
// named "a_b" must not also list the tables of "axb".
std::string like_exactly(std::string_view name);

// "TABLE", "VIEW", "SYSTEM TABLE" or "SYSTEM VIEW" for a pg_class.relkind in a schema.
std::string table_type_of(std::string_view relkind, std::string_view schema);

// DescribeTable's typeName for format_type(oid, NULL): Redshift's names for the PostgreSQL types
// localaws stands its types in with (jsonb and json: "super"; bytea: "varbyte"; text: "character
// varying"); others as format_type says.
std::string described_type_name(std::string_view format_type_name);

// Precision, scale, length and signedness of a column of this type and modifier (atttypmod) as
// DescribeTable reports them.
void shape_of_column(std::uint32_t type_oid, int type_modifier, aws::redshift_data::column_metadata& column);

// The statements' rows as models. False (with `why`) when a row is not what the statement selects
// (a NULL or a number that does not parse): then `out` is unspecified.
bool names_of(const std::vector<engine::pg::row>& rows, std::vector<std::string>& out, std::string& why);
bool tables_of(const std::vector<engine::pg::row>& rows, std::vector<aws::redshift_data::table_entry>& out,
               std::string& why);
bool columns_of(const std::vector<engine::pg::row>& rows, std::vector<aws::redshift_data::column_metadata>& out,
                std::string& why);

}  // namespace shiftsync::transfer::endpoint
