#include "tools/shiftsync/output/duration.hpp"

#include <fmt/core.h>

#include <charconv>
#include <cmath>
#include <cstdint>

namespace shiftsync::cli {

std::optional<std::chrono::seconds> parse_duration(std::string_view text) {
    // A century: far beyond any sensible age, and far from overflowing.
    constexpr std::uint64_t limit = 100ull * 365 * 86400;
    if (text.empty()) return std::nullopt;
    std::uint64_t total = 0;
    bool plain = true;  // digits only: seconds
    while (!text.empty()) {
        std::uint64_t number = 0;
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
        if (ec != std::errc{} || end == text.data() || number > limit) return std::nullopt;
        text.remove_prefix(static_cast<std::size_t>(end - text.data()));
        std::uint64_t unit = 1;
        if (!text.empty()) {
            plain = false;
            switch (text.front()) {
                case 's': unit = 1; break;
                case 'm': unit = 60; break;
                case 'h': unit = 3600; break;
                case 'd': unit = 86400; break;
                default: return std::nullopt;
            }
            text.remove_prefix(1);
        } else if (!plain) {
            return std::nullopt;  // "1h30": a number without its unit after one with
        }
        total += number * unit;
        if (total > limit) return std::nullopt;
    }
    return std::chrono::seconds(static_cast<std::int64_t>(total));
}

std::string format_seconds(double seconds) {
    if (!(seconds >= 0)) seconds = 0;  // NaN and negatives: a clock that went back
    if (seconds < 59.95) return fmt::format("{:.1f} s", seconds);
    const auto whole = static_cast<std::uint64_t>(std::llround(seconds));
    if (whole < 3600) return fmt::format("{}m{:02}s", whole / 60, whole % 60);
    return fmt::format("{}h{:02}m", whole / 3600, whole % 3600 / 60);
}

}  // namespace shiftsync::cli
