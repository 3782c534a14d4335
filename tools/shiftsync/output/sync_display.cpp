#include "tools/shiftsync/output/sync_display.hpp"

#include "tools/shiftsync/output/byte_size.hpp"
#include "tools/shiftsync/output/duration.hpp"

#include <boost/json.hpp>
#include <fmt/core.h>

#include <sys/ioctl.h>
#include <unistd.h>

#include <ctime>

namespace shiftsync::cli {
namespace {

using clock = std::chrono::system_clock;

constexpr auto redraw_interval = std::chrono::milliseconds(250);     // ~4 redraws a second
constexpr auto json_progress_interval = std::chrono::seconds(1);     // per stream
constexpr auto text_progress_interval = std::chrono::seconds(10);    // a person reads these

// RFC 3339 in UTC with milliseconds: 2024-05-01T12:00:00.123Z.
std::string rfc3339(clock::time_point t) {
    const auto ms = std::chrono::floor<std::chrono::milliseconds>(t.time_since_epoch()).count();
    const std::time_t seconds = static_cast<std::time_t>(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
    std::tm utc{};
    ::gmtime_r(&seconds, &utc);
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday,
                       utc.tm_hour, utc.tm_min, utc.tm_sec, static_cast<int>(ms - std::int64_t{seconds} * 1000));
}

// Whole milliseconds: a log has no use for 3.0000001234 s.
double seconds_between(clock::time_point from, clock::time_point to) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(to - from).count();
    return static_cast<double>(std::max<std::int64_t>(ms, 0)) / 1000;
}

// logfmt: bare when the value is plain, else quoted with \" \\ and \n escaped (one event, one line).
std::string logfmt_value(std::string_view v) {
    const bool plain = !v.empty() && v.find_first_of(" \"=\\\n\r\t") == std::string_view::npos;
    if (plain) return std::string(v);
    std::string out = "\"";
    for (char c : v) {
        if (c == '"' || c == '\\') out += '\\', out += c;
        else if (c == '\n') out += "\\n";
        else if (c == '\r') out += "\\r";
        else if (c == '\t') out += "\\t";
        else out += c;
    }
    return out + "\"";
}

// At most `width` characters, cut at a character boundary.
std::string fit(std::string_view s, std::size_t width) {
    std::size_t chars = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80 && chars++ == width) return std::string(s.substr(0, i));
    }
    return std::string(s);
}

std::size_t terminal_columns(FILE* out) {
    winsize ws{};
    if (::ioctl(::fileno(out), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 10) return ws.ws_col;
    return 120;
}

}  // namespace

// One event: its name and fields in order. JSON: an object after ts, event and run_id; text: a
// logfmt line. Empty strings are left out of text lines and are null in JSON (a stable schema).
struct sync_display::event {
    std::string name;
    std::string stream;  // redacted; empty: a run event
    boost::json::object fields;
};

sync_display::sync_display(FILE* out, bool tty, log_format format, redact_fn redact)
    : sync_display(out, tty, format, std::move(redact), [] { return clock::now(); }) {}

sync_display::sync_display(FILE* out, bool tty, log_format format, redact_fn redact, clock_fn now)
    : out_(out), tty_(tty), format_(format), redact_(std::move(redact)), now_(std::move(now)),
      run_started_(now_()) {}

sync_display::~sync_display() {
    if (tty_) erase_live();
}

void sync_display::emit(event& e) {
    const auto now = now_();
    if (format_ == log_format::json) {
        boost::json::object o;
        o["ts"] = rfc3339(now);
        o["event"] = e.name;
        o["run_id"] = run_id_;
        if (!e.stream.empty()) o["stream"] = e.stream;
        for (auto& field : e.fields) {
            const auto* s = field.value().if_string();
            if (s && s->empty())
                o[field.key()] = nullptr;
            else
                o[field.key()] = std::move(field.value());
        }
        fmt::print(out_, "{}\n", boost::json::serialize(o));
    } else {
        std::string line = rfc3339(now) + " " + e.name;
        if (!e.stream.empty()) line += " stream=" + logfmt_value(e.stream);
        for (const auto& field : e.fields) {
            const auto& v = field.value();
            // Numbers as people write them ("0.5", not JSON's "5E-1").
            std::string text = v.is_string()   ? std::string(v.get_string())
                               : v.is_double() ? fmt::format("{}", v.get_double())
                                               : boost::json::serialize(v);
            if (v.is_string() && text.empty()) continue;
            line += fmt::format(" {}={}", std::string_view(field.key()), logfmt_value(text));
        }
        fmt::print(out_, "{}\n", line);
    }
    std::fflush(out_);
}

void sync_display::say(const std::string& line) {
    erase_live();
    fmt::print(out_, "{}\n", fit(line, terminal_columns(out_) * 4));  // long errors wrap; that is fine here
    draw_live(true);
}

void sync_display::erase_live() {
    if (drawn_lines_ == 0) return;
    // Back to the first live line's start, and clear from there to the end of the screen.
    fmt::print(out_, "\r\033[{}A\033[J", drawn_lines_);
    drawn_lines_ = 0;
    std::fflush(out_);
}

std::string sync_display::live_line(const live_stream& s, clock::time_point now) const {
    const double elapsed = seconds_between(s.started, now);
    const double rate = elapsed > 0 ? static_cast<double>(s.bytes) / elapsed : 0.0;
    return fmt::format("  {}  {}  {} rows  {}  {}/s  {}", s.name, s.phase.empty() ? "starting" : s.phase,
                       with_thousands(s.rows), format_bytes(s.bytes),
                       format_bytes(static_cast<std::uint64_t>(rate)), format_seconds(elapsed));
}

void sync_display::draw_live(bool force) {
    if (!tty_) return;
    const auto now = now_();
    if (!force && now - last_draw_ < redraw_interval) return;
    last_draw_ = now;
    // A line wider than the terminal would wrap and break the cursor arithmetic: cut it.
    const std::size_t width = terminal_columns(out_) - 1;
    std::string frame;
    if (drawn_lines_ > 0) frame += fmt::format("\r\033[{}A\033[J", drawn_lines_);
    for (const auto& [key, s] : running_) frame += fit(live_line(s, now), width) + "\n";
    drawn_lines_ = running_.size();
    std::fputs(frame.c_str(), out_);
    std::fflush(out_);
}

void sync_display::run_started(const std::string& run_id, std::size_t streams, int max_parallel) {
    run_id_ = clean(run_id);
    run_started_ = now_();
    if (tty_) {
        say(fmt::format("sync run {}: {} stream{}, up to {} at once", run_id_, streams, streams == 1 ? "" : "s",
                        max_parallel));
        return;
    }
    event e{"run_start", {}, {{"streams", streams}, {"max_parallel", max_parallel}}};
    emit(e);
}

void sync_display::stream_started(const std::string& stream, const std::string& detail) {
    const auto now = now_();
    live_stream& s = running_[stream];
    s = live_stream{.name = clean(stream), .started = now, .last_progress_event = now};
    if (tty_) {
        say(fmt::format("{}: started, {}", s.name, clean(detail)));
        return;
    }
    event e{"stream_start", s.name, {{"detail", clean(detail)}}};
    emit(e);
}

void sync_display::phase(const std::string& stream, std::string_view phase) {
    auto it = running_.find(stream);
    if (it == running_.end() || it->second.phase == phase) return;
    it->second.phase = clean(phase);
    if (tty_) {
        draw_live(false);
        return;
    }
    event e{"phase", it->second.name, {{"phase", it->second.phase}}};
    emit(e);
}

void sync_display::progress(const std::string& stream, std::uint64_t rows, std::uint64_t bytes) {
    auto it = running_.find(stream);
    if (it == running_.end()) return;
    live_stream& s = it->second;
    s.rows = rows;
    s.bytes = bytes;
    if (tty_) {
        draw_live(false);
        return;
    }
    const auto now = now_();
    const auto interval = format_ == log_format::json ? std::chrono::duration_cast<clock::duration>(json_progress_interval)
                                                      : std::chrono::duration_cast<clock::duration>(text_progress_interval);
    if (now - s.last_progress_event < interval) return;
    s.last_progress_event = now;
    const double elapsed = seconds_between(s.started, now);
    event e{"progress", s.name, {{"rows", rows}, {"bytes", bytes}, {"seconds", elapsed}}};
    emit(e);
}

void sync_display::retry(const std::string& stream, const std::string& what, const std::string& request_id) {
    ++retries_;
    const std::string name = clean(stream);
    if (tty_) {
        say(fmt::format("{}: retrying {}{}", name, clean(what),
                        request_id.empty() ? "" : " (request id " + clean(request_id) + ")"));
        return;
    }
    event e{"retry", name, {{"what", clean(what)}, {"request_id", clean(request_id)}}};
    emit(e);
}

void sync_display::warning(const std::string& stream, const std::string& text) {
    const std::string name = clean(stream);
    if (tty_) {
        say(fmt::format("{}: warning: {}", name.empty() ? "sync" : name, clean(text)));
        return;
    }
    event e{"warning", name, {{"message", clean(text)}}};
    emit(e);
}

void sync_display::stream_finished(const stream_outcome& outcome) {
    running_.erase(outcome.stream);
    stream_outcome o{.stream = clean(outcome.stream), .status = clean(outcome.status), .rows = outcome.rows,
                     .bytes = outcome.bytes, .seconds = outcome.seconds, .cursor_before = clean(outcome.cursor_before),
                     .cursor_after = clean(outcome.cursor_after), .error = clean(outcome.error),
                     .request_id = clean(outcome.request_id), .detail = clean(outcome.detail)};
    if (tty_) {
        std::string line = fmt::format("{}: {}, {} rows, {} in {}", o.stream, o.status, with_thousands(o.rows),
                                       format_bytes(o.bytes), format_seconds(o.seconds));
        if (!o.error.empty()) line += ": " + o.error;
        if (!o.request_id.empty()) line += " (request id " + o.request_id + ")";
        say(line);
    } else {
        event e{"stream_end", o.stream,
                {{"status", o.status}, {"rows", o.rows}, {"bytes", o.bytes}, {"seconds", o.seconds},
                 {"cursor_before", o.cursor_before}, {"cursor_after", o.cursor_after}, {"error", o.error},
                 {"request_id", o.request_id}, {"detail", o.detail}}};
        emit(e);
    }
    finished_.push_back(std::move(o));
}

void sync_display::run_finished(int exit_code) {
    // A stream the runner never closed (it should) is reported as interrupted with what it had done.
    const auto now = now_();
    while (!running_.empty()) {
        const auto& [key, s] = *running_.begin();
        stream_finished({.stream = key, .status = "interrupted", .rows = s.rows, .bytes = s.bytes,
                         .seconds = seconds_between(s.started, now)});
    }
    if (tty_) erase_live();
    const run_totals totals{.run_id = run_id_, .exit_code = exit_code, .seconds = seconds_between(run_started_, now),
                            .retries = retries_};
    if (!tty_) {
        std::uint64_t rows = 0, bytes = 0;
        std::map<std::string, std::uint64_t> by_status{{"succeeded", 0}, {"failed", 0}, {"interrupted", 0}, {"skipped", 0}};
        for (const auto& o : finished_) {
            rows += o.rows;
            bytes += o.bytes;
            ++by_status[o.status];
        }
        event e{"run_end", {}, {{"exit_code", exit_code}, {"streams", finished_.size()}}};
        for (const auto& [status, n] : by_status) e.fields[status] = n;
        e.fields["rows"] = rows;
        e.fields["bytes"] = bytes;
        e.fields["seconds"] = totals.seconds;
        e.fields["retries"] = retries_;
        emit(e);
        if (format_ == log_format::json) return;
    }
    std::fputs(format_summary_table(finished_, totals).c_str(), out_);
    std::fflush(out_);
}

}  // namespace shiftsync::cli
