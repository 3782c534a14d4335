#pragma once
// One `shiftsync sync` pass over the chosen streams: housekeeping (dead runs' staging prefixes
// swept, the state table created in each database destination), then the streams, at most
// max_parallel_streams at once on one engine, one memory budget and the connections' shared
// limiters. A stream that fails does not stop the others.
//
// Per stream: its lock in the state file (two workers never run one stream), begin_run (the run
// id is pending: crash evidence), the run (transfer/sync/stream_run.hpp), then commit_run with the
// cursor the destination committed, or fail_run ("failed" / "interrupted") with the cursor left
// where the last commit put it.
//
// Executor / thread safety: the network thread's; the display and metrics are told from it.

#include "tools/shiftsync/output/sync_display.hpp"
#include "tools/shiftsync/sync/sync_places.hpp"
#include "transfer/s3/upload_journal.hpp"
#include "transfer/sync/config.hpp"
#include "transfer/sync/state_store.hpp"
#include "transfer/sync/stream_run.hpp"
#include "transfer/sync/sync_metrics.hpp"

#include <boost/asio/awaitable.hpp>

#include <string>
#include <vector>

namespace shiftsync::cli {

struct sync_pass_result {
    std::size_t succeeded = 0;
    std::size_t failed = 0;
    std::size_t skipped = 0;  // locked by another worker
};

class sync_worker {
public:
    sync_worker(const transfer::sync::sync_config& config, std::vector<const transfer::sync::stream_config*> streams,
                sync_places& places, transfer::sync::state_store& state, transfer::sync::sync_pools& pools,
                sync_display& display, transfer::sync::sync_metrics& metrics, int session_keep_alive_seconds,
                transfer::s3::upload_journal& journal)
        : config_(config), streams_(std::move(streams)), places_(places), state_(state), pools_(pools),
          display_(display), metrics_(metrics), keep_alive_(session_keep_alive_seconds), journal_(journal) {}

    // Sweeps dead runs' staging prefixes, aborts the multipart uploads the journal holds for the
    // streams' buckets (or says once why it cannot), and creates the state tables. False when a destination
    // cannot hold its state table (then nothing runs); a sweep failure is only a warning.
    boost::asio::awaitable<bool> async_prepare();
    boost::asio::awaitable<sync_pass_result> async_run_pass();

private:
    boost::asio::awaitable<void> run_stream(const transfer::sync::stream_config& stream, sync_pass_result& totals);
    boost::asio::awaitable<void> tick_progress(const bool& done);
    boost::asio::awaitable<void> abort_journaled_uploads();

    const transfer::sync::sync_config& config_;
    std::vector<const transfer::sync::stream_config*> streams_;
    sync_places& places_;
    transfer::sync::state_store& state_;
    transfer::sync::sync_pools& pools_;
    sync_display& display_;
    transfer::sync::sync_metrics& metrics_;
    int keep_alive_;
    transfer::s3::upload_journal& journal_;
    std::map<std::string, transfer::sync::stream_live> live_;
    std::map<std::string, std::pair<std::string, std::uint64_t>> shown_;  // last phase and rows told
};

}  // namespace shiftsync::cli
