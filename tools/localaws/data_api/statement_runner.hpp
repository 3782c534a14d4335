#pragma once
// Runs one SQL text (one or more commands) on a connection and collects what the Data API reports:
// the last command's result set (streamed row by row with libpq's single-row mode, so a result
// beyond the size limit is cut off without ever being held whole), its row count, and errors.
// Blocking; runs on a worker thread.
//
// Cancellation: CancelStatement sends PQcancel from its own thread, but PostgreSQL drops a cancel
// that reaches a backend still waiting for its query (it only cancels a running command), so a
// cancel between STARTED and the query's arrival would be lost. run_sql therefore asks `cancelled`
// itself: before sending (nothing is sent), right after sending, and every 100 ms while it waits,
// sending the cancel again until the query has ended. A repeated cancel is harmless: a backend
// reading its next command drops it.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "tools/localaws/data_api/result_set.hpp"
#include "tools/localaws/redshift/pg/connection.hpp"

namespace localaws::data_api {

struct run_outcome {
    redshift::pg::command_status status;
    bool has_result_set = false;
    bool too_large = false;          // the result passed max_result_bytes; the query was cancelled
    std::int64_t result_rows = -1;   // rows returned, or rows affected; -1 when neither applies
    std::shared_ptr<result_set> rows;
};

// Whether the statement being run has been cancelled (called from the worker thread).
using cancel_probe = std::function<bool()>;

// SQLSTATE query_canceled with PostgreSQL's words: what a cancelled statement ends with.
redshift::pg::command_status cancelled_status();

// params empty: the simple protocol (several commands allowed); else one command with $n values.
// An empty `cancelled` (transaction control such as ROLLBACK) is never cancelled by run_sql.
run_outcome run_sql(redshift::pg::connection& conn, const std::string& sql, const std::vector<std::string>& params,
                    std::uint64_t max_result_bytes, const cancel_probe& cancelled = {});

// Fills schema/table names, nullability and type names of `rows`' columns from the catalog.
void describe_columns(redshift::pg::connection& conn, const std::vector<std::pair<unsigned, int>>& sources,
                      result_set& rows);

}  // namespace localaws::data_api
