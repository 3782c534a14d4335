#include "tools/shiftsync/commands/transfer_run.hpp"

#include "engine/error.hpp"
#include "transfer/s3/transfer_error.hpp"
#include "tools/shiftsync/commands/s3_errors.hpp"
#include "tools/shiftsync/output/byte_size.hpp"

#include <fmt/core.h>

#include <csignal>

#include <malloc.h>

namespace shiftsync::cli {

namespace ts = transfer::s3;

void transfer_flags::add_to(CLI::App& command) {
    command.add_option("--part-size", part_size, "Part size for multipart uploads and ranged downloads (e.g. 8MiB)")
        ->capture_default_str();
    command.add_option("--concurrency", concurrency, "Connections and part requests in flight (default: from --target-throughput)");
    command.add_option("--target-throughput", target_throughput, "Throughput to size connections for, in Gbit/s")
        ->capture_default_str();
    command.add_option("--memory-limit", memory_limit, "Most bytes of part buffers held at once (e.g. 256MiB)")
        ->capture_default_str();
    command.add_option("--checksum", checksum, "crc32c: send and verify CRC32C; none: neither")
        ->check(CLI::IsMember({"crc32c", "none"}))
        ->capture_default_str();
    command.add_option("--progress", progress, "Progress on stderr: auto (on a terminal), always, never")
        ->check(CLI::IsMember({"auto", "always", "never"}))
        ->capture_default_str();
    command.add_flag("--json", json, "Print a JSON summary (bytes, objects, seconds, MB/s, retries, peak buffered bytes)");
    command.add_option("--journal", journal, "Journal of multipart uploads that may need an abort (default: "
                                             "$XDG_STATE_HOME/shiftsync/incomplete-uploads.jsonl)");
    connection.add_aws_to(command);
}

transfer_run::~transfer_run() = default;

bool transfer_run::open(bool many_objects) {
    auto part_size = parse_byte_size(flags_.part_size);
    auto memory_limit = parse_byte_size(flags_.memory_limit);
    if (!part_size || *part_size < ts::min_part_size || *part_size > ts::max_part_size) {
        fmt::print(stderr, "shiftsync {}: --part-size wants a size from 5MiB to 5GiB (like 8MiB), got '{}'\n", command_,
                   flags_.part_size);
        return false;
    }
    if (!memory_limit || *memory_limit < *part_size) {
        fmt::print(stderr, "shiftsync {}: --memory-limit wants a size of at least one part ({}), got '{}'\n", command_,
                   format_bytes(*part_size), flags_.memory_limit);
        return false;
    }
    if (!(flags_.target_throughput > 0)) {
        fmt::print(stderr, "shiftsync {}: --target-throughput wants Gbit/s above 0\n", command_);
        return false;
    }
    // Part buffers are large and short-lived: serve them from mmap so freeing one gives its pages
    // back at once, and the process's RSS follows the memory budget instead of the heap's peak.
    ::mallopt(M_MMAP_THRESHOLD, 1 << 20);
    // A closed stdout (`| head`) is a write error to report and clean up after, not a silent death.
    std::signal(SIGPIPE, SIG_IGN);

    std::optional<std::size_t> fixed;
    if (flags_.concurrency > 0) fixed = flags_.concurrency;
    auto sizing = ts::size_transfers(flags_.target_throughput, *memory_limit, *part_size, fixed);
    session_ = s3_session::open(flags_.connection, many_objects ? sizing.requests_in_flight : sizing.connections);
    if (!session_) return false;
    auto executor = session_->context().get_executor();
    memory_ = std::make_unique<engine::memory_budget>(executor, *memory_limit);
    cpu_ = std::make_unique<engine::cpu_pool>(engine::cpu_pool::cores());
    files_ = std::make_unique<engine::cpu_pool>(8);  // blocking file calls: a few more than cores
    journal_ = std::make_unique<ts::upload_journal>(flags_.journal.empty() ? ts::upload_journal::default_path()
                                                                           : flags_.journal);
    ts::transfer_settings settings{.part_size = *part_size,
                                   .checksums = flags_.checksum == "crc32c",
                                   .requests_in_flight = sizing.requests_in_flight,
                                   .objects_in_flight = sizing.requests_in_flight};
    context_ = std::make_unique<ts::transfer_context>(
        executor, session_->s3(), *memory_, *cpu_, *files_, settings, journal_.get(),
        [](const std::string& text) { fmt::print(stderr, "{}\n", text); });
    progress_mode mode = flags_.progress == "always" ? progress_mode::always
                         : flags_.progress == "never" ? progress_mode::never
                                                      : progress_mode::automatic;
    progress_ = std::make_unique<progress_display>(session_->context(), context_->counters(), mode);
    return true;
}

ts::failure_report transfer_run::failure_reporter() {
    return [this](const std::string& what, const boost::system::error_code& ec, const aws::diagnostics& diag) {
        if (ec == engine::errc::cancelled) return;  // said once, at the end
        progress_->stop();
        fmt::print(stderr, "shiftsync {}: failed: {}: {}\n", command_, what, describe_failure(ec, diag));
    };
}

int transfer_run::finish(const boost::system::error_code& ec, const aws::diagnostics& diag, const std::string& what,
                         bool stdout_is_data) {
    const bool interrupted = session_->interrupted();
    if (interrupted) {
        fmt::print(stderr, "shiftsync {}: interrupted: nothing in flight was completed; partial files were removed\n",
                   command_);
    } else if (ec == transfer::errc::some_failed) {
        fmt::print(stderr, "shiftsync {}: {} of {} objects failed (each is reported above)\n", command_,
                   context_->counters().failed_objects, context_->counters().objects_expected);
    } else if (ec) {
        fmt::print(stderr, "shiftsync {}: failed: {}: {}\n", command_, what, describe_failure(ec, diag));
    }
    progress_display::summary s{.retries = session_->retries(), .peak_buffered_bytes = memory_->peak_reserved()};
    std::FILE* json_out = flags_.json ? (stdout_is_data ? stderr : stdout) : nullptr;
    if (flags_.json || !interrupted) progress_->print_summary(s, json_out);
    if (interrupted) return exit_interrupted;
    return ec ? exit_failed : exit_ok;
}

}  // namespace shiftsync::cli
