#pragma once
// Load: rows from a source into a Redshift table, in one transaction.
//
//  1. The source's column names (a CSV header, --columns) are matched to the target's columns
//     (a LIMIT 0 run through the Data API gives their types), so every value is checked and
//     normalised for its column while it is read: a type conflict fails before anything is staged.
//  2. A staging run (staging/: the marker first) holds the encoded, gzipped, whole-object files
//     and their manifest (stager.hpp), staged while the source is read.
//  3. One Data API session (ExecuteStatement with SessionKeepAliveSeconds, then SessionId; the guide
//     grants no BatchExecuteStatement) runs apply_sql.hpp's statements: BEGIN, [CREATE TABLE], the
//     temp table, COPY … MANIFEST, the staged row count checked against the rows encoded (unequal:
//     ROLLBACK), the mode's statements, COMMIT. Any failure: ROLLBACK, the target is untouched;
//     a failed COPY's rows in sys_load_error_detail are reported.
//  4. The run's staging prefix is removed however the load ends.
//
// Cancellation: through the awaiting coroutine's slot; a running statement is cancelled by the
// waiter, the transaction rolled back (or left to die with its session), the prefix removed.

#include "aws/redshift_data/redshift_data_client.hpp"
#include "transfer/load/apply_sql.hpp"
#include "transfer/load/row_source.hpp"
#include "transfer/s3/transfer_context.hpp"
#include "transfer/staging/staging_run.hpp"

#include <functional>
#include <map>
#include <optional>

namespace shiftsync::engine {
class async_limiter;
}

namespace shiftsync::transfer::endpoint {
class endpoint_pool;
}

namespace shiftsync::transfer::load {

struct load_stats;

struct load_request {
    std::string database;
    std::string workgroup;
    table_name target;
    write_mode mode = write_mode::append;
    std::vector<std::string> keys;
    std::string order_by;
    bool create_table = false;
    bool add_columns = false;        // ALTER TABLE … ADD COLUMN for source columns the table lacks
    bool truncate_columns = false;   // COPY … TRUNCATECOLUMNS instead of failing on a value too long
    std::map<std::string, std::string> column_types;  // --column-type NAME=TYPE, for --create-table
    std::optional<std::uint64_t> max_errors;
    staging::staging_location staging;
    std::string copy_role;
    std::uint64_t file_target_bytes = 64ull << 20;  // compressed bytes per staged file
    // How long the session outlives its last statement: short, because a load killed mid-transaction
    // keeps its locks on the target until then (statements here follow one another without pause).
    int session_keep_alive_seconds = 60;
    aws::redshift_data::wait_policy wait;
    // Statements run in the load's transaction after the rows are merged, just before COMMIT (the
    // sync worker writes its cursor here, so the cursor moves exactly when the rows do). Called
    // with the stats so far; an empty list adds nothing. A failing statement rolls everything back.
    std::function<std::vector<std::string>(const load_stats&)> before_commit;
};

struct load_error_row {
    std::string file;
    std::int64_t line = 0;
    std::string column;
    std::string value;
    std::string reason;
    std::uint64_t source_record = 0;  // the row's number in the source (1-based; 0: unknown)
    std::string source_file;          // where that record starts, when the source can tell
    std::uint64_t source_line = 0;    // (a file's physical line, 1-based, header included)
};

struct load_stats {
    std::string run_id;
    std::string session_id;
    std::uint64_t rows_read = 0;
    std::uint64_t rows_staged = 0;
    std::uint64_t rows_loaded = 0;   // in the temp table after COPY
    std::uint64_t inserted = 0;      // new rows in the target
    std::uint64_t updated = 0;       // target rows replaced by a batch row with the same key
    std::uint64_t deleted = 0;       // replace: rows the target held before
    std::uint64_t skipped = 0;       // upsert: batch rows older than the target's (--order-by) or duplicates
    std::uint64_t files = 0;
    std::uint64_t bytes_staged = 0;
    bool created_table = false;
    std::vector<std::string> table_changes;  // ALTER TABLE statements run before the transaction
    double seconds_stage = 0;        // read + encode + compress + upload
    double seconds_copy = 0;
    double seconds_merge = 0;
    double seconds_cleanup = 0;
    std::vector<load_error_row> load_errors;  // from sys_load_error_detail (a failed COPY, or MAXERROR's skips)
};

struct load_environment {
    aws::redshift_data::redshift_data_client& data;
    s3::transfer_context& transfers;
    std::function<void(const std::string&)> warn;
    std::function<void(std::string_view phase)> phase;  // "staging", "copy", "merge", "cleanup"
    // Set: the load's statements (the target's columns, the transaction with COPY) run on the
    // workgroup's endpoint, in one connection, instead of a Data API session.
    endpoint::endpoint_pool* endpoint = nullptr;
    // Set: the load waits for one unit of it after staging and holds it from BEGIN to COMMIT, so
    // that at most its capacity of loads run COPY and merge on the workgroup at once (sync's
    // max_concurrent_loads). Phase "queued" while it waits.
    engine::async_limiter* transactions = nullptr;
};

// `stats` is filled as the load goes (on failure too: load_errors says which rows COPY refused).
boost::asio::awaitable<boost::system::result<void>> async_load(load_environment& env, const load_request& request,
                                                              row_source& source, load_stats& stats,
                                                              aws::diagnostics& diag);

}  // namespace shiftsync::transfer::load
