#pragma once
// One run of an S3 transfer command (cp): its flags, the session, the memory budget, pools and
// transfer context sized from --target-throughput/--memory-limit/--concurrency, the progress
// display, and the closing summary and exit code.

#include "engine/scheduler/cpu_pool.hpp"
#include "engine/scheduler/memory_budget.hpp"
#include "tools/shiftsync/connection/s3_session.hpp"
#include "tools/shiftsync/output/progress.hpp"
#include "transfer/s3/recursive.hpp"
#include "transfer/s3/transfer_context.hpp"

#include <CLI/CLI.hpp>

#include <memory>
#include <optional>
#include <string>

namespace shiftsync::cli {

struct transfer_flags {
    connection_flags connection;
    std::string part_size = "8MiB";
    std::size_t concurrency = 0;  // 0: derived from the throughput target
    double target_throughput = 10.0;
    std::string memory_limit = "256MiB";
    std::string checksum = "crc32c";
    std::string progress = "auto";
    bool json = false;
    std::string journal;

    void add_to(CLI::App& command);
};

class transfer_run {
public:
    transfer_run(const transfer_flags& flags, std::string command) : flags_(flags), command_(std::move(command)) {}
    ~transfer_run();

    // Parses sizes and opens the session; false after printing why (a usage or setup error).
    // `many_objects` (a recursive copy): one connection per request in flight, since small
    // objects are bound by round trips, not bandwidth (transfer/README.md, Sizing).
    bool open(bool many_objects = false);

    transfer::s3::transfer_context& context() { return *context_; }
    s3_session& session() { return *session_; }
    engine::memory_budget& memory() { return *memory_; }
    engine::cpu_pool& cpu() { return *cpu_; }
    progress_display& progress() { return *progress_; }
    transfer::s3::failure_report failure_reporter();

    template <class T>
    T execute(boost::asio::awaitable<T> task) {
        progress_->start();
        T out = session_->run(std::move(task));
        progress_->stop();
        return out;
    }

    // Prints the failure (if any) and the summary; returns the exit code.
    int finish(const boost::system::error_code& ec, const aws::diagnostics& diag, const std::string& what,
               bool stdout_is_data);

private:
    const transfer_flags& flags_;
    std::string command_;
    std::unique_ptr<s3_session> session_;
    std::unique_ptr<engine::memory_budget> memory_;
    std::unique_ptr<engine::cpu_pool> cpu_;
    std::unique_ptr<engine::cpu_pool> files_;
    std::unique_ptr<transfer::s3::upload_journal> journal_;
    std::unique_ptr<transfer::s3::transfer_context> context_;
    std::unique_ptr<progress_display> progress_;
};

}  // namespace shiftsync::cli
