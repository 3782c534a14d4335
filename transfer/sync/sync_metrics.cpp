#include "transfer/sync/sync_metrics.hpp"

#include <algorithm>
#include <array>
#include <charconv>

namespace shiftsync::transfer::sync {
namespace {

constexpr std::array<std::string_view, 12> phases{"planning", "extract", "statement", "download", "encode", "stage",
                                                  "queued",   "copy",    "merge",     "state",    "cleanup", "publish"};
constexpr std::array<std::string_view, 4> outcomes{"succeeded", "failed", "interrupted", "skipped"};

template <std::size_t N>
int index_of(const std::array<std::string_view, N>& names, std::string_view name) {
    auto it = std::find(names.begin(), names.end(), name);
    return it == names.end() ? -1 : static_cast<int>(it - names.begin());
}

// Shortest text that reads back as the same double (what Go's ParseFloat, Prometheus's, accepts).
std::string number(double value) {
    char buffer[32];
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
    return ec == std::errc{} ? std::string(buffer, end) : std::string("NaN");
}

// One family at a time: its # HELP and # TYPE, then its samples.
class writer {
public:
    void family(std::string_view name, std::string_view type, std::string_view help) {
        name_ = name;
        out_.append("# HELP ").append(name).append(" ").append(help).append("\n");
        out_.append("# TYPE ").append(name).append(" ").append(type).append("\n");
    }
    // `labels`: pairs of name and (unescaped) value.
    void sample(std::initializer_list<std::pair<std::string_view, std::string_view>> labels, std::string_view value) {
        out_.append(name_);
        if (labels.size() > 0) {
            out_.push_back('{');
            bool first = true;
            for (const auto& [label, text] : labels) {
                if (!first) out_.push_back(',');
                first = false;
                out_.append(label).append("=\"").append(escape_label_value(text)).append("\"");
            }
            out_.push_back('}');
        }
        out_.append(" ").append(value).append("\n");
    }
    std::string take() { return std::move(out_); }

private:
    std::string out_;
    std::string_view name_;
};

}  // namespace

std::span<const std::string_view> stream_phases() { return phases; }
std::span<const std::string_view> run_outcomes() { return outcomes; }

std::string escape_label_value(std::string_view value) {
    std::string out;
    out.reserve(value.size());
    for (char c : value) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '"')
            out += "\\\"";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

sync_metrics::stream_entry& sync_metrics::entry(std::string_view stream) {
    auto it = streams_.find(stream);
    if (it == streams_.end()) it = streams_.emplace(std::string(stream), stream_entry{}).first;
    return it->second;
}

void sync_metrics::add_stream(std::string_view stream) {
    std::lock_guard lock(mutex_);
    entry(stream);
}

void sync_metrics::add_rows(std::string_view stream, std::uint64_t rows) {
    std::lock_guard lock(mutex_);
    entry(stream).rows += rows;
}

void sync_metrics::add_bytes(std::string_view stream, std::uint64_t bytes) {
    std::lock_guard lock(mutex_);
    entry(stream).bytes += bytes;
}

bool sync_metrics::set_phase(std::string_view stream, std::string_view phase) {
    const int index = phase.empty() ? -1 : index_of(phases, phase);
    if (!phase.empty() && index < 0) return false;
    std::lock_guard lock(mutex_);
    entry(stream).phase = index;
    return true;
}

bool sync_metrics::run_finished(std::string_view stream, std::string_view outcome, double seconds) {
    const int index = index_of(outcomes, outcome);
    if (index < 0) return false;
    std::lock_guard lock(mutex_);
    auto& e = entry(stream);
    ++e.runs[index];
    e.last_seconds = seconds;
    e.phase = -1;
    return true;
}

void sync_metrics::add_inflight_bytes(std::int64_t delta) { inflight_.fetch_add(delta, std::memory_order_relaxed); }

void sync_metrics::set_inflight_bytes(std::uint64_t bytes) {
    inflight_.store(static_cast<std::int64_t>(std::min<std::uint64_t>(bytes, INT64_MAX)), std::memory_order_relaxed);
}

std::string sync_metrics::exposition() const {
    // A copy of the table, so the mutex is not held while formatting (a scrape must not stall the
    // threads that count).
    std::map<std::string, stream_entry, std::less<>> streams;
    {
        std::lock_guard lock(mutex_);
        streams = streams_;
    }
    writer w;
    w.family("shiftsync_rows_total", "counter", "Rows moved, by stream.");
    for (const auto& [name, e] : streams) w.sample({{"stream", name}}, std::to_string(e.rows));
    w.family("shiftsync_bytes_total", "counter", "Bytes moved, by stream.");
    for (const auto& [name, e] : streams) w.sample({{"stream", name}}, std::to_string(e.bytes));
    w.family("shiftsync_stream_runs_total", "counter", "Stream runs ended, by stream and outcome.");
    for (const auto& [name, e] : streams)
        for (std::size_t i = 0; i < outcomes.size(); ++i)
            w.sample({{"stream", name}, {"outcome", outcomes[i]}}, std::to_string(e.runs[i]));
    w.family("shiftsync_stream_duration_seconds", "gauge", "Duration of the stream's last finished run.");
    for (const auto& [name, e] : streams) w.sample({{"stream", name}}, number(e.last_seconds));
    w.family("shiftsync_stream_phase", "gauge", "1 for the phase the stream is in, 0 for the others.");
    for (const auto& [name, e] : streams)
        for (std::size_t i = 0; i < phases.size(); ++i)
            w.sample({{"stream", name}, {"phase", phases[i]}}, e.phase == static_cast<int>(i) ? "1" : "0");
    w.family("shiftsync_statements_total", "counter", "Data API statements started.");
    w.sample({}, std::to_string(statements_.load(std::memory_order_relaxed)));
    w.family("shiftsync_retries_total", "counter", "AWS requests retried.");
    w.sample({}, std::to_string(retries_.load(std::memory_order_relaxed)));
    w.family("shiftsync_throttles_total", "counter", "AWS answers that asked to slow down.");
    w.sample({}, std::to_string(throttles_.load(std::memory_order_relaxed)));
    w.family("shiftsync_inflight_bytes", "gauge", "Bytes held in transfer buffers now.");
    w.sample({}, std::to_string(std::max<std::int64_t>(inflight_.load(std::memory_order_relaxed), 0)));
    w.family("shiftsync_up", "gauge", "1 while the sync worker runs.");
    w.sample({}, up_.load(std::memory_order_relaxed) ? "1" : "0");
    return w.take();
}

}  // namespace shiftsync::transfer::sync
