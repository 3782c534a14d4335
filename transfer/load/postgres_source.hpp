#pragma once
// A load's rows from a PostgreSQL query (issue #12's `--from postgresql://… --from-sql SQL`).
//
//   async_open   connects (libpq, on the blocking pool), sets the session so values print in one
//                exact form (DateStyle ISO, TimeZone UTC, extra_float_digits 3, bytea_output hex),
//                and describes the query without running it (PQprepare + PQdescribePrepared):
//                its column names, and their types mapped to Redshift's
//                (transfer/postgres/redshift_types.hpp). A type Redshift cannot hold fails here
//                with errc::does_not_fit, naming the column and the type.
//   async_next   the first call starts `COPY (query) TO STDOUT (FORMAT csv, FORCE_QUOTE *)`:
//                every value quoted, NULL an empty unquoted field, so '' and NULL stay apart.
//                Each call reads about 1 MiB of rows (PQgetCopyData on the blocking pool, never
//                the network thread) and decodes it with the CSV decoder, each value normalised
//                to the canonical text of the target's kind: memory holds one chunk and its
//                batches, never the result.
//
// Errors: errc::source_failed with the server's words (the connection, the query, a failure
// mid-way such as a division by zero in row 1,000,000); the password is masked in every message.
// A value the target's column cannot take is errc::malformed_data naming the row and column.
//
// Cancellation: a blocking libpq call is waited for (a call returns as soon as a row arrives);
// then the source is destroyed, which closes the connection and ends the query on the server.

#include "transfer/load/row_source.hpp"

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace shiftsync::transfer::load {

struct postgres_source_options {
    int connect_timeout_seconds = 30;
    std::string application_name = "shiftsync load";
};

// `sql` is one query (a trailing ';' is ignored); `blocking_pool` runs the libpq calls.
std::unique_ptr<row_source> make_postgres_source(engine::cpu_pool& blocking_pool, engine::cpu_pool& cpu,
                                                 std::string conninfo, std::string sql,
                                                 postgres_source_options options);

// "SELECT * FROM "schema"."table"" for --from-table (PostgreSQL's folding: an unquoted name is
// lower case). nullopt when `table` is not one or two names.
std::optional<std::string> postgres_table_query(std::string_view table);

}  // namespace shiftsync::transfer::load
