// The summary table at the end of `shiftsync sync` (see format_summary_table in sync_display.hpp).
#include "tools/shiftsync/output/byte_size.hpp"
#include "tools/shiftsync/output/duration.hpp"
#include "tools/shiftsync/output/sync_display.hpp"

#include <fmt/core.h>

#include <array>
#include <map>

namespace shiftsync::cli {
namespace {

std::size_t text_width(std::string_view s) {
    std::size_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80;
    return n;
}

std::string cut(std::string_view s, std::size_t max) {
    if (text_width(s) <= max) return std::string(s);
    std::size_t chars = 0, i = 0;
    for (; i < s.size(); ++i)
        if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80 && chars++ == max - 3) break;
    return std::string(s.substr(0, i)) + "...";
}

// What a row says beyond its numbers: why it failed, or how far its cursor moved.
std::string note_of(const stream_outcome& o) {
    if (!o.error.empty()) return o.error + (o.request_id.empty() ? "" : " (request id " + o.request_id + ")");
    if (!o.cursor_after.empty() && o.cursor_after != o.cursor_before)
        return "cursor " + (o.cursor_before.empty() ? std::string("(start)") : o.cursor_before) + " -> " +
               o.cursor_after;
    return o.detail;
}

}  // namespace

std::string with_thousands(std::uint64_t n) {
    std::string digits = std::to_string(n);
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return out;
}

std::string format_summary_table(std::span<const stream_outcome> outcomes, const run_totals& totals,
                                 std::size_t max_note) {
    using row = std::array<std::string, 7>;
    constexpr std::array<bool, 7> right{false, false, true, true, true, true, false};
    std::vector<row> rows{{"STREAM", "STATUS", "ROWS", "BYTES", "TIME", "RATE", "NOTE"}};
    std::uint64_t all_rows = 0, all_bytes = 0;
    std::map<std::string, std::size_t> by_status;
    for (const auto& o : outcomes) {
        const std::string rate =
            o.seconds > 0 && o.bytes > 0
                ? format_bytes(static_cast<std::uint64_t>(static_cast<double>(o.bytes) / o.seconds)) + "/s"
                : "-";
        rows.push_back({o.stream, o.status, with_thousands(o.rows), format_bytes(o.bytes), format_seconds(o.seconds),
                        rate, cut(note_of(o), std::max<std::size_t>(max_note, 8))});
        all_rows += o.rows;
        all_bytes += o.bytes;
        ++by_status[o.status];
    }
    std::array<std::size_t, 7> width{};
    for (const auto& r : rows)
        for (std::size_t c = 0; c < r.size(); ++c) width[c] = std::max(width[c], text_width(r[c]));
    std::string out;
    for (const auto& r : rows) {
        std::string line;
        for (std::size_t c = 0; c < r.size(); ++c) {
            const std::string pad(width[c] - text_width(r[c]), ' ');
            if (c > 0) line += "  ";
            line += right[c] ? pad + r[c] : (c + 1 == r.size() ? r[c] : r[c] + pad);
        }
        out += line + "\n";
    }
    std::string counts;
    for (const auto& [status, n] : by_status) counts += fmt::format("{}{} {}", counts.empty() ? "" : ", ", n, status);
    out += fmt::format("{} stream{}{}{}; {} rows, {} in {}; {} retr{}; exit {}\n", outcomes.size(),
                       outcomes.size() == 1 ? "" : "s", counts.empty() ? "" : ": ", counts, with_thousands(all_rows),
                       format_bytes(all_bytes), format_seconds(totals.seconds), totals.retries,
                       totals.retries == 1 ? "y" : "ies", totals.exit_code);
    return out;
}

}  // namespace shiftsync::cli
