#include "transfer/endpoint/catalog.hpp"

#include "aws/error/aws_error.hpp"
#include "transfer/endpoint/catalog_shape.hpp"

namespace shiftsync::transfer::endpoint {

namespace rd = aws::redshift_data;
namespace pg = engine::pg;
using boost::asio::awaitable;
using boost::system::result;

namespace {

// Runs one catalog statement and converts its rows with `convert` (a catalog_shape function).
template <class Model, class Convert>
awaitable<result<Model>> run_catalog(pg::connection& connection, catalog_statement statement, Convert convert,
                                     pg::pg_diagnostics& diag) {
    auto done = co_await connection.async_execute(std::move(statement.sql), std::move(statement.parameters), diag);
    if (!done) co_return done.error();
    Model out;
    std::string why;
    if (!convert(done->rows, out, why)) {
        diag = {};
        diag.client_note = why;
        co_return make_error_code(aws::errc::malformed_response);
    }
    co_return out;
}

}  // namespace

awaitable<result<std::vector<std::string>>> async_list_databases(pg::connection& connection,
                                                                 pg::pg_diagnostics& diag) {
    return run_catalog<std::vector<std::string>>(connection, list_databases_statement(), names_of, diag);
}

awaitable<result<std::vector<std::string>>> async_list_schemas(pg::connection& connection, std::string schema_pattern,
                                                               pg::pg_diagnostics& diag) {
    return run_catalog<std::vector<std::string>>(connection, list_schemas_statement(schema_pattern), names_of, diag);
}

awaitable<result<std::vector<rd::table_entry>>> async_list_tables(pg::connection& connection,
                                                                  std::string schema_pattern,
                                                                  std::string table_pattern,
                                                                  pg::pg_diagnostics& diag) {
    return run_catalog<std::vector<rd::table_entry>>(connection, list_tables_statement(schema_pattern, table_pattern),
                                                     tables_of, diag);
}

awaitable<result<std::vector<rd::column_metadata>>> async_describe_table(pg::connection& connection,
                                                                         std::string schema, std::string table,
                                                                         pg::pg_diagnostics& diag) {
    return run_catalog<std::vector<rd::column_metadata>>(connection, describe_table_statement(schema, table),
                                                         columns_of, diag);
}

}  // namespace shiftsync::transfer::endpoint
