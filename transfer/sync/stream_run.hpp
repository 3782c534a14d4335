#pragma once
// One run of one sync stream: read where the stream left off (the destination's own state table,
// or the last published run for files), read the source from `cursor >= last - lookback`, drop
// what the stream drops (row_watch.hpp), write the destination, and move the cursor with the
// rows:
//
//   → Redshift     load (stage + COPY + merge); the state row is written in the load's
//                  transaction, before COMMIT.
//   → PostgreSQL   extract into the PostgreSQL sink; the state row in the sink's transaction.
//   → files        extract into `<path>/<run_id>/`, then `_SUCCESS.json` (published_run.hpp); the
//                  local state moves after that, and a run that published but died before is
//                  adopted by the next one.
//
// Whatever happens, the destination holds the rows of a whole run and the cursor of that run, or
// neither: re-running after a crash reads the overlap again, and the destination drops it (upsert
// by primary key, or the files' boundary).
//
// Cancellation: through the awaiting coroutine's slot; extract and load roll back and clean up.

#include "engine/scheduler/cpu_pool.hpp"
#include "transfer/sync/stream_plan.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>

#include <functional>
#include <optional>
#include <string>

namespace shiftsync::transfer::sync {

struct sync_pools {
    engine::cpu_pool& cpu;       // encoding, compression, decoding
    engine::cpu_pool& files;     // pread/pwrite/fsync
    engine::cpu_pool& blocking;  // libpq calls (PostgreSQL sink, state reads)
};

// What the local state says before the run (files destinations need it; databases keep their own).
struct stream_start {
    std::string last_run_id;     // the last run the local state saw commit
    std::string pending_run_id;  // a run that began and never finished
};

// Live numbers for progress lines: written by the runner on the network thread.
struct stream_live {
    std::string phase;
    std::uint64_t rows = 0;
    std::uint64_t bytes = 0;
};

struct stream_report {
    std::string run_id;
    std::string detail;  // "incremental upsert, \"updated_at\" >= '…'" for the logs
    std::optional<std::string> cursor_before;
    std::optional<std::string> cursor_after;
    std::string cursor_kind;
    std::uint64_t rows = 0;   // rows written to the destination
    std::uint64_t bytes = 0;  // bytes staged (Redshift) or written (files, PostgreSQL)
    std::uint64_t rows_below_bound = 0;
    std::uint64_t rows_already_published = 0;
    std::string adopted_run;  // files: a run that published and died before the state moved
    std::string removed_run;  // files: an unfinished run whose files were removed
};

struct stream_hooks {
    stream_live* live = nullptr;
    std::function<void(const std::string&)> warn;
    std::function<void(std::string_view phase)> phase;  // told as each phase begins
};

// The state table in each database destination, created once before the streams start.
boost::asio::awaitable<boost::system::result<void>> async_prepare_state_table(sync_pools& pools,
                                                                             const redshift_place* redshift,
                                                                             const postgres_place* postgres,
                                                                             const std::string& schema,
                                                                             aws::diagnostics& diag);

boost::asio::awaitable<boost::system::result<stream_report>> async_run_stream(sync_pools& pools, const stream_plan& plan,
                                                                             const stream_start& start,
                                                                             const std::string& run_id,
                                                                             stream_hooks& hooks,
                                                                             aws::diagnostics& diag);

}  // namespace shiftsync::transfer::sync
