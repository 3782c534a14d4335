#include "transfer/sync/config_values.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <utility>

namespace shiftsync::transfer::sync {
namespace {

bool name_start(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool name_char(char c) { return name_start(c) || (c >= '0' && c <= '9'); }

}  // namespace

interpolated interpolate(std::string_view text, const getenv_function& getenv) {
    interpolated out;
    std::vector<std::string> unset;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c != '$' || i + 1 == text.size() || (text[i + 1] != '$' && text[i + 1] != '{')) {
            out.value += c;
            continue;
        }
        if (text[i + 1] == '$') {  // "$$": a literal dollar (a password may hold "${")
            out.value += '$';
            ++i;
            continue;
        }
        auto close = text.find('}', i + 2);
        if (close == std::string_view::npos) {
            out.error = "'${' without its closing '}' (write $$ for a literal '$')";
            return out;
        }
        std::string_view inside = text.substr(i + 2, close - i - 2);
        auto dash = inside.find(":-");
        std::string_view name = inside.substr(0, dash);
        if (name.empty() || !name_start(name.front()) || !std::all_of(name.begin(), name.end(), name_char)) {
            out.error = "'${" + std::string(name) + "}' is not an environment variable reference (${NAME} or "
                        "${NAME:-default}; $$ for a literal '$')";
            return out;
        }
        std::optional<std::string> found = getenv(name);
        if (found && !found->empty()) {
            out.value += *found;
            out.from_env.push_back(*found);
        } else if (dash != std::string_view::npos) {
            out.value += inside.substr(dash + 2);
        } else {
            unset.emplace_back(name);
        }
        out.substituted = true;
        i = close;
    }
    if (!unset.empty()) {
        std::string names;
        for (const auto& n : unset) names += (names.empty() ? "" : ", ") + ("${" + n + "}");
        out.error = "environment variable " + names + (unset.size() == 1 ? " is" : " are") +
                    " not set (export it, or give a default: ${" + unset.front() + ":-value})";
    }
    return out;
}

std::optional<lookback> parse_lookback(std::string_view text) {
    constexpr std::int64_t century = 100ll * 365 * 86400;  // far beyond sense, far from overflow
    lookback out;
    out.text = std::string(text);
    if (text.empty()) return std::nullopt;
    std::int64_t total = 0;
    bool plain = true;
    while (!text.empty()) {
        std::int64_t number = 0;
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
        if (ec != std::errc{} || end == text.data() || number < 0) return std::nullopt;
        text.remove_prefix(static_cast<std::size_t>(end - text.data()));
        std::int64_t unit = 1;
        if (text.empty()) {
            if (!plain) return std::nullopt;  // "1h30": a number without a unit after one with
            out.what = number == 0 ? lookback::kind::none : lookback::kind::count;
            out.count = number;
            return out;
        }
        plain = false;
        switch (text.front()) {
            case 's': unit = 1; break;
            case 'm': unit = 60; break;
            case 'h': unit = 3600; break;
            case 'd': unit = 86400; break;
            default: return std::nullopt;
        }
        text.remove_prefix(1);
        if (number > century) return std::nullopt;
        total += number * unit;
        if (total > century) return std::nullopt;
    }
    out.what = total == 0 ? lookback::kind::none : lookback::kind::duration;
    out.seconds = total;
    return out;
}

std::optional<std::uint64_t> parse_memory_size(std::string_view text) {
    std::uint64_t number = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (ec != std::errc{} || end == text.data() || number == 0) return std::nullopt;
    std::string_view unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
    static constexpr std::array<std::pair<std::string_view, std::uint64_t>, 10> units{{
        {"", 1}, {"B", 1}, {"KiB", 1ull << 10}, {"MiB", 1ull << 20}, {"GiB", 1ull << 30}, {"TiB", 1ull << 40},
        {"KB", 1'000}, {"MB", 1'000'000}, {"GB", 1'000'000'000}, {"TB", 1'000'000'000'000}}};
    for (const auto& [name, factor] : units)
        if (unit == name) {
            if (number > UINT64_MAX / factor) return std::nullopt;
            return number * factor;
        }
    return std::nullopt;
}

bool is_plain_identifier(std::string_view text) {
    return !text.empty() && text.size() <= 127 && name_start(text.front()) &&
           std::all_of(text.begin(), text.end(), [](char c) { return name_char(c) || c == '$'; });
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            std::size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

std::string closest_match(std::string_view word, std::span<const std::string_view> known) {
    std::string best;
    std::size_t best_distance = 3;
    for (auto candidate : known) {
        std::size_t d = edit_distance(word, candidate);
        if (d < best_distance && d < word.size()) {
            best_distance = d;
            best = std::string(candidate);
        }
    }
    return best;
}

}  // namespace shiftsync::transfer::sync
