#pragma once
// The PostgreSQL table sink (issue #11): extracted rows into a table of any PostgreSQL reachable
// by a libpq connection string, in one transaction, so the table is either as it was or holds
// every row.
//
//   async_open    connect, BEGIN; a missing table is created (CREATE TABLE inside the
//                 transaction, columns typed as transfer/postgres/postgres_types.hpp maps them); an existing one
//                 must have every source column by name with a type that holds its values, else
//                 destination_exists with a sentence naming the column and both types, before any
//                 row is sent; then COPY "schema"."table" (columns…) FROM STDIN (FORMAT csv).
//   async_write   the batch as COPY CSV (transfer/postgres/postgres_copy.hpp; encoded on the pool, many at once),
//                 then sent, one batch at a time in arrival order: memory holds the batches in
//                 flight, never the result.
//   async_commit  ends the COPY, checks the server's row count against the rows sent (unequal:
//                 ROLLBACK, verification_failed), merges (upsert), runs before_commit's statements, COMMIT (checked: a failed transaction answers
//                 COMMIT with ROLLBACK), closes.
//   async_abandon CopyFail, ROLLBACK, close (on the pool, after any job still running): the
//                 table is untouched, and one the sink created is gone with it (its CREATE TABLE
//                 was in the transaction). A sink destroyed unfinished without it closes the
//                 connection without waiting; the server rolls back a transaction whose session
//                 ends, as it does after a kill -9.
//
// Every libpq call that may wait runs on `blocking_pool` (never on the network thread), one at a
// time on the sink's one connection.
//
// Failures: destination_failed (connection refused, authentication, a refused statement or row:
// failure() has the server's words and SQLSTATE, with where it was), destination_exists,
// verification_failed. The connection string's password never appears in failure(): it is
// masked wherever libpq or the server might echo it.
//
// Executor / thread safety: like every sink, called on the network thread; the pool must outlive
// the sink.

#include "transfer/extract/postgres_merge.hpp"
#include "transfer/extract/row_sink.hpp"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace shiftsync::transfer::extract {

struct postgres_sink_options {
    // Defaults for libpq's connect_timeout and application_name: a connection string that sets
    // them wins. (client_encoding is always UTF8: canonical text is UTF-8.)
    int connect_timeout_seconds = 30;
    std::string application_name = "shiftsync";
    bool create_table = true;  // create a missing table; false: a missing table is an error
    // append, replace or upsert (postgres_merge.hpp), all inside the sink's one transaction.
    postgres_write write = postgres_write::append;
    std::vector<std::string> keys;  // upsert
    std::string order_by;           // upsert: a target row newer than the batch's stays
    // Statements run in the transaction after the rows are in, just before COMMIT (the sync
    // worker's cursor: it moves exactly when the rows do). Called once, with the rows sent.
    std::function<std::vector<std::string>(std::uint64_t rows)> before_commit;
};

// `schema` empty: the connection's current schema. Names are exact (already unquoted and folded:
// see parse_qualified_name in transfer/postgres/postgres_copy.hpp).
std::unique_ptr<row_sink> make_postgres_sink(engine::cpu_pool& blocking_pool, std::string conninfo, std::string schema,
                                             std::string table, postgres_sink_options options = {});

}  // namespace shiftsync::transfer::extract
