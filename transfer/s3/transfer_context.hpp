#pragma once
// What every transfer of one run shares: the S3 client, the memory budget part buffers are
// reserved from, the CPU pool (checksums) and the file pool (pread/pwrite/fsync), the limit on
// part requests in flight across all transfers, the journal of open multipart uploads, counters
// for progress, and the warnings said once per run.
//
// Executor / thread safety: everything here belongs to the network thread's executor; the pools
// run only the plain functions handed to them.
// Lifetimes: the context outlives every transfer started with it.

#include "aws/s3/s3_client.hpp"
#include "engine/scheduler/async_limiter.hpp"
#include "engine/scheduler/cpu_pool.hpp"
#include "engine/scheduler/memory_budget.hpp"
#include "transfer/s3/buffer_pool.hpp"
#include "transfer/s3/part_plan.hpp"
#include "transfer/s3/upload_journal.hpp"

#include <cstdint>
#include <functional>
#include <set>
#include <string>

namespace shiftsync::transfer::s3 {

struct transfer_settings {
    std::uint64_t part_size = default_part_size;  // also the single-PUT / single-GET threshold
    bool checksums = true;                        // CRC32C on every upload; verify what S3 stored
    std::uint64_t max_range = 64 * mib;           // largest ranged GET (a bigger stored part is cut)
    std::size_t requests_in_flight = 40;          // part requests across all transfers
    std::size_t objects_in_flight = 100;          // objects of a recursive copy at once
};

struct transfer_counters {
    std::uint64_t bytes = 0;          // payload bytes moved (parts counted when they complete)
    std::uint64_t objects = 0;        // objects finished
    std::uint64_t failed_objects = 0;
    std::uint64_t bytes_expected = 0; // known total, for progress (0: unknown)
    std::uint64_t objects_expected = 0;
};

class transfer_context {
public:
    using warning_fn = std::function<void(const std::string&)>;

    transfer_context(boost::asio::any_io_executor executor, aws::s3::s3_client& s3, engine::memory_budget& memory,
                     engine::cpu_pool& cpu, engine::cpu_pool& files, transfer_settings settings,
                     upload_journal* journal, warning_fn warn)
        : s3_(s3), memory_(memory), cpu_(cpu), files_(files), settings_(settings), journal_(journal),
          warn_(std::move(warn)), request_slots_(std::move(executor), settings.requests_in_flight), buffers_(memory) {}

    aws::s3::s3_client& s3() { return s3_; }
    engine::memory_budget& memory() { return memory_; }
    engine::cpu_pool& cpu() { return cpu_; }
    engine::cpu_pool& files() { return files_; }
    const transfer_settings& settings() const { return settings_; }
    upload_journal* journal() { return journal_; }
    engine::async_limiter& request_slots() { return request_slots_; }
    buffer_pool& buffers() { return buffers_; }
    transfer_counters& counters() { return counters_; }

    // Says `text` once per run for each `topic` (the refused abort is said once, not per upload).
    void warn_once(const std::string& topic, const std::string& text) {
        if (warned_.insert(topic).second && warn_) warn_(text);
    }
    void warn(const std::string& text) {
        if (warn_) warn_(text);
    }

private:
    aws::s3::s3_client& s3_;
    engine::memory_budget& memory_;
    engine::cpu_pool& cpu_;
    engine::cpu_pool& files_;
    transfer_settings settings_;
    upload_journal* journal_;
    warning_fn warn_;
    engine::async_limiter request_slots_;
    buffer_pool buffers_;
    transfer_counters counters_;
    std::set<std::string> warned_;
};

}  // namespace shiftsync::transfer::s3
