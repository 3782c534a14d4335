#include "tools/shiftsync/output/duration.hpp"

#include <charconv>
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

}  // namespace shiftsync::cli
