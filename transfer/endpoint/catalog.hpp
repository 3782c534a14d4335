#pragma once
// The Data API's catalog calls (ListDatabases, ListSchemas, ListTables, DescribeTable) answered
// from the catalog on an endpoint connection (pg_database, pg_namespace, pg_class, pg_attribute),
// with the Data API client's models: `shiftsync discover --connection-method endpoint` prints what
// the Data API path prints. The statements and conversions are catalog_shape's (sans-IO).
//
// A connection sees the catalog of its own database only (pg_namespace and pg_class are per
// database; pg_database is shared): list_schemas, list_tables and describe_table answer for the
// database the connection is logged in to.
//
// Errors: a statement the server refused is errc::statement_failed with the server's words in
// `diag`; a row that is not what the query selects is aws::errc::malformed_response (diag's
// client_note says what was wrong).
//
// Lifetimes: `connection` must outlive the awaitable. Executor: the connection's.

#include "aws/redshift_data/types.hpp"
#include "engine/pg/pg_connection.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>

#include <string>
#include <vector>

namespace shiftsync::transfer::endpoint {

boost::asio::awaitable<boost::system::result<std::vector<std::string>>> async_list_databases(
    engine::pg::connection& connection, engine::pg::pg_diagnostics& diag);

// Patterns are LIKE patterns; empty is "%".
boost::asio::awaitable<boost::system::result<std::vector<std::string>>> async_list_schemas(
    engine::pg::connection& connection, std::string schema_pattern, engine::pg::pg_diagnostics& diag);

boost::asio::awaitable<boost::system::result<std::vector<aws::redshift_data::table_entry>>> async_list_tables(
    engine::pg::connection& connection, std::string schema_pattern, std::string table_pattern,
    engine::pg::pg_diagnostics& diag);

// The columns of schema.table (exact names; an empty table: every table of the schema).
boost::asio::awaitable<boost::system::result<std::vector<aws::redshift_data::column_metadata>>> async_describe_table(
    engine::pg::connection& connection, std::string schema, std::string table, engine::pg::pg_diagnostics& diag);

}  // namespace shiftsync::transfer::endpoint
