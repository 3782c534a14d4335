#pragma once
// What `shiftsync sync` tells its user while it runs, in one of three forms:
//   - a terminal (`tty`): one live line per running stream (name, phase, rows, bytes, rate,
//     elapsed) redrawn in place at most 4 times a second, a permanent line for each stream's start
//     and end, retries and warnings above them, and a summary table at the end;
//   - text logs: one line per event, `<RFC 3339 time> <event> key=value ...` (logfmt quoting),
//     progress at most every 10 s per stream, and the summary table at the end;
//   - JSON lines: one object per event, {"ts","event","run_id"[,"stream"],...}; events run_start,
//     stream_start, phase, progress (at most one a second per stream), retry, warning, stream_end,
//     run_end (the totals; no table).
// `tty` wins over `format`: the caller decides (a terminal, unless --progress never or JSON logs).
// Every string the caller passes goes through `redact` before it is written: a secret the config
// interpolated must never reach a log, even inside an error message.
//
// Thread safety: none; every call comes from one thread (the network thread).
// Lifetimes: `out` stays open while the display lives. Redraws happen only inside these calls
// (there is no timer): the runner's progress() calls drive the live lines.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace shiftsync::cli {

enum class log_format { text, json };

struct stream_outcome {
    std::string stream;
    std::string status;  // succeeded | failed | interrupted | skipped
    std::uint64_t rows = 0, bytes = 0;
    double seconds = 0;
    std::string cursor_before, cursor_after, error, request_id;
    std::string detail;
};

// The run's totals, as the summary and run_end report them.
struct run_totals {
    std::string run_id;
    int exit_code = 0;
    double seconds = 0;
    std::uint64_t retries = 0;
};

// The summary table: one row per stream (stream, status, rows, bytes, time, rate, note: the error
// with its request id, or the cursor's move), then a line of totals. Strings are used as given
// (redact them first). Notes longer than `max_note` characters are cut with "...".
std::string format_summary_table(std::span<const stream_outcome> outcomes, const run_totals& totals,
                                 std::size_t max_note = 100);

// 1234567 -> "1,234,567".
std::string with_thousands(std::uint64_t n);

class sync_display {
public:
    using redact_fn = std::function<std::string(std::string_view)>;
    using clock_fn = std::function<std::chrono::system_clock::time_point()>;

    // tty: live lines redrawn in place (one per running stream: name, phase, rows, bytes, rate), at
    // most ~4 redraws/s; else events as text lines or JSON lines on `out` (stderr).
    sync_display(FILE* out, bool tty, log_format format, redact_fn redact);
    // The same, reading time from `now` (tests: timestamps and throttling without sleeping).
    sync_display(FILE* out, bool tty, log_format format, redact_fn redact, clock_fn now);
    ~sync_display();
    sync_display(const sync_display&) = delete;
    sync_display& operator=(const sync_display&) = delete;

    void run_started(const std::string& run_id, std::size_t streams, int max_parallel);
    // detail: "incremental upsert, cursor updated_at >= '…'"
    void stream_started(const std::string& stream, const std::string& detail);
    // planning, extract, statement, download, encode, stage, queued, copy, merge, state, cleanup, publish
    void phase(const std::string& stream, std::string_view phase);
    // The stream's totals so far (not increments).
    void progress(const std::string& stream, std::uint64_t rows, std::uint64_t bytes);
    void retry(const std::string& stream, const std::string& what, const std::string& request_id);
    void warning(const std::string& stream, const std::string& text);
    void stream_finished(const stream_outcome& outcome);
    // Prints the summary table (TTY and text, after a run_end line); JSON: a run_end object with
    // totals. A stream still running (never finished) is reported as interrupted.
    void run_finished(int exit_code);

private:
    struct live_stream {
        std::string name;  // redacted
        std::string phase;
        std::uint64_t rows = 0, bytes = 0;
        std::chrono::system_clock::time_point started, last_progress_event;
        bool progress_pending = false;  // counts changed since the last progress event
    };
    struct event;  // a JSON object or a logfmt line being built

    void emit(event& e);
    void say(const std::string& line);  // a permanent line on the terminal, above the live lines
    void erase_live();
    void draw_live(bool force);
    std::string live_line(const live_stream& s, std::chrono::system_clock::time_point now) const;
    std::string clean(std::string_view text) const { return redact_ ? redact_(text) : std::string(text); }

    FILE* out_;
    bool tty_;
    log_format format_;
    redact_fn redact_;
    clock_fn now_;
    std::string run_id_;  // redacted
    std::chrono::system_clock::time_point run_started_;
    std::map<std::string, live_stream> running_;  // by the caller's stream name
    std::vector<stream_outcome> finished_;        // redacted, in the order they ended
    std::uint64_t retries_ = 0;
    std::size_t drawn_lines_ = 0;
    std::chrono::system_clock::time_point last_draw_{};
};

}  // namespace shiftsync::cli
