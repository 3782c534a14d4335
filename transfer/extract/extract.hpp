#pragma once
// Extract: one query's rows from Redshift to a sink, by one of two paths that give one result.
//
//  - data-api: ExecuteStatement, the adaptive waiter, GetStatementResult pages (typed fields).
//    For small and latency-sensitive results; the Data API caps a result at 100 MB.
//  - unload: the columns from a LIMIT 0 run of the same query (so both paths type values alike),
//    then UNLOAD … FORMAT CSV GZIP MANIFEST VERBOSE into a fresh staging run prefix, the manifest,
//    and every file downloaded with transfer/s3 (many files and ranges in flight, one memory
//    budget), decompressed and decoded on the CPU pool, each checked against its manifest entry.
//    The run's prefix is deleted however the run ends (success, failure, cancellation).
//  - auto: unload when staging is configured and EXPLAIN estimates a large result (rows ×
//    width ≥ `unload_above_bytes`, or rows ≥ `unload_above_rows`), else the Data API.
//
// Values are normalised to the canonical text of rows/value_text.hpp on both paths.
// Cancellation: through the awaiting coroutine's slot; a running statement is cancelled
// (CancelStatement) by the waiter, the staging prefix is still removed, the sink abandoned.

#include "aws/redshift_data/redshift_data_client.hpp"
#include "transfer/extract/row_sink.hpp"
#include "transfer/s3/transfer_context.hpp"
#include "transfer/staging/staging_run.hpp"

#include <functional>
#include <optional>
#include <string>

namespace shiftsync::engine {
class async_limiter;
}

namespace shiftsync::transfer::endpoint {
class endpoint_pool;
}

namespace shiftsync::transfer::extract {

enum class read_path { automatic, data_api, unload };
std::string_view to_string(read_path p);

struct extract_request {
    std::string sql;
    std::string database;
    std::string workgroup;
    read_path via = read_path::automatic;
    std::optional<staging::staging_location> staging;  // required for unload
    std::string unload_role;                           // IAM_ROLE of the UNLOAD
    std::uint64_t max_file_size_mb = 0;                // MAXFILESIZE; 0: Redshift's default
    std::uint64_t unload_above_rows = 200'000;
    std::uint64_t unload_above_bytes = 32ull << 20;
    std::size_t files_in_flight = 8;                   // staged files downloaded and decoded at once
    aws::redshift_data::wait_policy wait;
};

struct extract_stats {
    read_path used = read_path::data_api;
    std::string statement_id;
    std::string run_id;                 // the staging run (unload)
    std::uint64_t rows = 0;
    std::uint64_t files = 0;            // staged files
    std::uint64_t bytes_staged = 0;     // compressed bytes UNLOAD wrote (the manifest's sum)
    std::uint64_t bytes_downloaded = 0;
    std::uint64_t bytes_written = 0;    // by the sink
    std::uint64_t result_pages = 0;     // GetStatementResult calls (data-api)
    int describe_calls = 0;             // DescribeStatement polls
    double seconds_plan = 0;            // EXPLAIN (auto) and the LIMIT 0 column run
    double seconds_statement = 0;       // the statement (UNLOAD or the query) running
    double seconds_transfer = 0;        // download + decode + write (or paging)
    double seconds_cleanup = 0;
    std::uint64_t cleanup_refused = 0;  // staged objects S3 would not delete (each warned)
    std::string auto_reason;            // why auto chose its path
};

// Progress, on the network thread: the phase ("planning", "statement", "transfer", "cleanup").
struct extract_progress {
    std::function<void(std::string_view phase)> phase;
};

struct extract_environment {
    aws::redshift_data::redshift_data_client& data;
    engine::cpu_pool& cpu;
    s3::transfer_context* transfers = nullptr;  // needed by the unload path
    std::function<void(const std::string&)> warn;
    extract_progress progress;
    // Set: every statement (EXPLAIN, LIMIT 0, UNLOAD, the query itself) runs on the workgroup's
    // endpoint instead of the Data API; the query's rows come through a cursor, page by page.
    endpoint::endpoint_pool* endpoint = nullptr;
    // Set: an UNLOAD waits for one unit of it before it is issued and gives it back once it ended
    // (before its files are read), so at most its capacity of UNLOADs run on the workgroup at once
    // (sync's max_concurrent_unloads). Phase "queued" while it waits.
    engine::async_limiter* unloads = nullptr;
};

boost::asio::awaitable<boost::system::result<extract_stats>> async_extract(extract_environment& env,
                                                                          const extract_request& request,
                                                                          row_sink& sink, aws::diagnostics& diag);

// EXPLAIN's estimate of the top plan node: "(cost=… rows=N width=W)". Sans-IO, for tests.
struct plan_estimate {
    std::uint64_t rows = 0;
    std::uint64_t width = 0;
};
std::optional<plan_estimate> parse_plan_estimate(std::string_view first_plan_line);

}  // namespace shiftsync::transfer::extract
