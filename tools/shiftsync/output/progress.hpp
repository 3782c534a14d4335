#pragma once
// Progress of a transfer on stderr: on a terminal, one line redrawn at most 10 times a second
// (bytes, objects, rate, ETA); elsewhere nothing until the end. Then a summary: one line, or a
// JSON object ({"bytes","objects","failed","seconds","mb_per_s","retries","peak_buffered_bytes"}).

#include "transfer/s3/transfer_context.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <functional>
#include <string>
#include <cstdio>
#include <string>

namespace shiftsync::cli {

enum class progress_mode { automatic, always, never };

class progress_display {
public:
    progress_display(boost::asio::io_context& ctx, const transfer::s3::transfer_counters& counters, progress_mode mode);
    ~progress_display();

    void start();
    void stop();  // erases the live line

    struct summary {
        std::uint64_t retries = 0;
        std::uint64_t peak_buffered_bytes = 0;
        std::string verb = "copied";
    };
    // The closing line on stderr, or the JSON object on `json_out` when not null.
    void print_summary(const summary& s, std::FILE* json_out) const;
    double seconds() const;
    bool live() const { return live_; }
    // Words added to the live line (extract and load: the phase and the rows so far).
    void set_detail(std::function<std::string()> detail) { detail_ = std::move(detail); }

private:
    void schedule();
    void draw();

    boost::asio::steady_timer timer_;
    const transfer::s3::transfer_counters& counters_;
    bool live_;
    bool drawn_ = false;
    bool running_ = false;
    std::function<std::string()> detail_;
    std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

}  // namespace shiftsync::cli
