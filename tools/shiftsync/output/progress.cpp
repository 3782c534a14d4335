#include "tools/shiftsync/output/progress.hpp"

#include "tools/shiftsync/output/byte_size.hpp"

#include <boost/json.hpp>
#include <fmt/core.h>

#include <unistd.h>

namespace shiftsync::cli {

progress_display::progress_display(boost::asio::io_context& ctx, const transfer::s3::transfer_counters& counters,
                                   progress_mode mode)
    : timer_(ctx), counters_(counters),
      live_(mode == progress_mode::always || (mode == progress_mode::automatic && ::isatty(STDERR_FILENO))) {}

progress_display::~progress_display() { stop(); }

void progress_display::start() {
    started_ = std::chrono::steady_clock::now();
    if (!live_) return;
    running_ = true;
    schedule();
}

void progress_display::schedule() {
    timer_.expires_after(std::chrono::milliseconds(100));
    timer_.async_wait([this](const boost::system::error_code& ec) {
        if (ec || !running_) return;
        draw();
        schedule();
    });
}

double progress_display::seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
}

void progress_display::draw() {
    const double elapsed = std::max(seconds(), 1e-3);
    const double rate = static_cast<double>(counters_.bytes) / elapsed;
    std::string line = format_bytes(counters_.bytes);
    if (counters_.bytes_expected > 0) line += " / " + format_bytes(counters_.bytes_expected);
    if (counters_.objects_expected > 1)
        line += fmt::format(", {} / {} files", counters_.objects, counters_.objects_expected);
    line += fmt::format(", {}/s", format_bytes(static_cast<std::uint64_t>(rate)));
    if (counters_.bytes_expected > counters_.bytes && rate > 0)
        line += fmt::format(", ETA {:.0f} s", static_cast<double>(counters_.bytes_expected - counters_.bytes) / rate);
    if (detail_) line = detail_() + " | " + line;
    fmt::print(stderr, "\r\033[K{}", line);
    std::fflush(stderr);
    drawn_ = true;
}

void progress_display::stop() {
    running_ = false;
    timer_.cancel();
    if (drawn_) {
        fmt::print(stderr, "\r\033[K");
        drawn_ = false;
    }
}

void progress_display::print_summary(const summary& s, std::FILE* json_out) const {
    const double elapsed = seconds();
    const double mb_per_s = elapsed > 0 ? static_cast<double>(counters_.bytes) / 1e6 / elapsed : 0.0;
    if (json_out) {
        boost::json::object o{{"bytes", counters_.bytes},
                              {"objects", counters_.objects},
                              {"failed", counters_.failed_objects},
                              {"seconds", elapsed},
                              {"mb_per_s", mb_per_s},
                              {"retries", s.retries},
                              {"peak_buffered_bytes", s.peak_buffered_bytes}};
        fmt::print(json_out, "{}\n", boost::json::serialize(o));
        std::fflush(json_out);
        return;
    }
    fmt::print(stderr, "{} {} object{}, {} in {:.2f} s ({:.1f} MB/s){}{}\n", s.verb, counters_.objects,
               counters_.objects == 1 ? "" : "s", format_bytes(counters_.bytes), elapsed, mb_per_s,
               counters_.failed_objects ? fmt::format(", {} failed", counters_.failed_objects) : "",
               s.retries ? fmt::format(", {} retries", s.retries) : "");
}

}  // namespace shiftsync::cli
