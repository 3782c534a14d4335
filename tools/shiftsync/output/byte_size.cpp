#include "tools/shiftsync/output/byte_size.hpp"

#include <fmt/core.h>

#include <array>
#include <charconv>
#include <utility>

namespace shiftsync::cli {

std::optional<std::uint64_t> parse_byte_size(std::string_view text) {
    std::uint64_t number = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (ec != std::errc{} || end == text.data()) return std::nullopt;
    std::string_view unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
    static constexpr std::array<std::pair<std::string_view, std::uint64_t>, 10> units{{
        {"B", 1}, {"KiB", 1ull << 10}, {"MiB", 1ull << 20}, {"GiB", 1ull << 30}, {"TiB", 1ull << 40},
        {"KB", 1'000}, {"MB", 1'000'000}, {"GB", 1'000'000'000}, {"TB", 1'000'000'000'000}, {"", 1}}};
    for (const auto& [name, factor] : units)
        if (unit == name) {
            if (number > UINT64_MAX / factor) return std::nullopt;
            return number * factor;
        }
    return std::nullopt;
}

std::string format_bytes(std::uint64_t bytes) {
    static constexpr std::array<const char*, 5> names{"B", "KiB", "MiB", "GiB", "TiB"};
    double value = static_cast<double>(bytes);
    std::size_t i = 0;
    while (value >= 1024 && i + 1 < names.size()) {
        value /= 1024;
        ++i;
    }
    return i == 0 ? fmt::format("{} B", bytes) : fmt::format("{:.2f} {}", value, names[i]);
}

}  // namespace shiftsync::cli
