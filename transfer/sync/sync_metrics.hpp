#pragma once
// The sync worker's metrics, in Prometheus's model: per stream, rows and bytes moved, runs by
// outcome, the last run's duration and the phase it is in; for the whole worker, statements sent,
// retries, throttling answers, bytes held in flight, and `up`. `exposition()` renders them in
// Prometheus's text format 0.0.4 for the /metrics endpoint (metrics_server.hpp). No I/O.
//
// Names (each with # HELP and # TYPE):
//   shiftsync_rows_total{stream}                     counter
//   shiftsync_bytes_total{stream}                    counter
//   shiftsync_stream_runs_total{stream,outcome}      counter  outcome: succeeded|failed|interrupted|skipped
//   shiftsync_stream_duration_seconds{stream}        gauge    the last finished run
//   shiftsync_stream_phase{stream,phase}             gauge    1 for the current phase, 0 for the others
//   shiftsync_statements_total, shiftsync_retries_total, shiftsync_throttles_total   counters
//   shiftsync_inflight_bytes                         gauge
//   shiftsync_up                                     gauge    1 while the worker runs
// A stream's series appear once it is first named (add_stream declares it up front, so every
// series starts at 0 and a rate() over the first run is right).
//
// Thread safety: every member may be called from any thread at once (the network thread, CPU pool
// threads, the metrics server): global counters are atomics, the per-stream table has a mutex.
// Counters only grow: the adders take unsigned deltas.

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <span>
#include <string>
#include <string_view>

namespace shiftsync::transfer::sync {

// The phases a stream goes through, as the runner names them (also sync_display's words).
std::span<const std::string_view> stream_phases();

// How a stream's run ended.
std::span<const std::string_view> run_outcomes();

class sync_metrics {
public:
    sync_metrics() = default;
    sync_metrics(const sync_metrics&) = delete;
    sync_metrics& operator=(const sync_metrics&) = delete;

    void add_stream(std::string_view stream);
    void add_rows(std::string_view stream, std::uint64_t rows);
    void add_bytes(std::string_view stream, std::uint64_t bytes);
    // The stream's current phase, one of stream_phases(); empty: none (between runs). False, and
    // nothing changes, for a name not in the list.
    bool set_phase(std::string_view stream, std::string_view phase);
    // A run ended: counts it under `outcome` (one of run_outcomes(); false and nothing counted
    // otherwise), keeps its duration, and clears its phase.
    bool run_finished(std::string_view stream, std::string_view outcome, double seconds);

    void add_statements(std::uint64_t n = 1) { statements_.fetch_add(n, std::memory_order_relaxed); }
    void add_retries(std::uint64_t n = 1) { retries_.fetch_add(n, std::memory_order_relaxed); }
    void add_throttles(std::uint64_t n = 1) { throttles_.fetch_add(n, std::memory_order_relaxed); }
    // Bytes held in buffers now: set from a sampler (the memory budget's use), or moved by deltas.
    void set_inflight_bytes(std::uint64_t bytes);
    void add_inflight_bytes(std::int64_t delta);
    void set_up(bool up) { up_.store(up, std::memory_order_relaxed); }

    std::uint64_t retries() const { return retries_.load(std::memory_order_relaxed); }
    std::uint64_t throttles() const { return throttles_.load(std::memory_order_relaxed); }

    // Prometheus text format 0.0.4: every family with # HELP and # TYPE, streams in name order,
    // label values escaped (\\, \", \n). Ends with a newline.
    std::string exposition() const;

private:
    struct stream_entry {
        std::uint64_t rows = 0;
        std::uint64_t bytes = 0;
        std::uint64_t runs[4] = {};  // by run_outcomes()
        double last_seconds = 0;
        int phase = -1;  // index in stream_phases(); -1: none
    };
    stream_entry& entry(std::string_view stream);  // mutex_ held

    mutable std::mutex mutex_;
    std::map<std::string, stream_entry, std::less<>> streams_;
    std::atomic<std::uint64_t> statements_{0};
    std::atomic<std::uint64_t> retries_{0};
    std::atomic<std::uint64_t> throttles_{0};
    std::atomic<std::int64_t> inflight_{0};
    std::atomic<bool> up_{true};
};

// Prometheus label-value escaping: backslash, double quote and newline.
std::string escape_label_value(std::string_view value);

}  // namespace shiftsync::transfer::sync
