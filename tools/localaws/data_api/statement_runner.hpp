#pragma once
// Runs one SQL text (one or more commands) on a connection and collects what the Data API reports:
// the last command's result set (streamed row by row with libpq's single-row mode, so a result
// beyond the size limit is cut off without ever being held whole), its row count, and errors.
// Blocking; runs on a worker thread. Cancellation comes from another thread through PQcancel.

#include <cstdint>
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

// params empty: the simple protocol (several commands allowed); else one command with $n values.
run_outcome run_sql(redshift::pg::connection& conn, const std::string& sql, const std::vector<std::string>& params,
                    std::uint64_t max_result_bytes);

// Fills schema/table names, nullability and type names of `rows`' columns from the catalog.
void describe_columns(redshift::pg::connection& conn, const std::vector<std::pair<unsigned, int>>& sources,
                      result_set& rows);

}  // namespace localaws::data_api
