#pragma once
// The config file's small languages, each a pure function: ${VAR} interpolation, lookbacks
// ("5m", "1h30m", "100"), memory sizes ("256MiB"), identifiers, and the "did you mean" for a
// misspelt key or value. No YAML here: config_reader.hpp applies these to the file's scalars.

#include "transfer/sync/config.hpp"

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace shiftsync::transfer::sync {

struct interpolated {
    std::string value;
    bool substituted = false;             // some ${VAR} was replaced (by the environment or a default)
    std::vector<std::string> from_env;    // the non-empty values taken from the environment: secrets
    std::string error;                    // non-empty: what is wrong, naming variables, never values
};

// ${VAR} -> the variable; ${VAR:-text} -> text when VAR is unset or empty; $$ -> $; any other '$'
// stays. An unset variable without a default is an error naming every such variable.
interpolated interpolate(std::string_view text, const getenv_function& getenv);

// "5m", "1h30m", "2d", "45s" (units s m h d, combined largest first or not, as the CLI's
// --older-than) -> a duration; "100" -> a count of cursor values; "0" -> none. nullopt otherwise.
std::optional<lookback> parse_lookback(std::string_view text);

// "256MiB", "1GiB", "64MB", "1048576" -> bytes (KiB MiB GiB TiB, KB MB GB TB, B); nullopt when
// not a size, zero, or too large for 64 bits.
std::optional<std::uint64_t> parse_memory_size(std::string_view text);

// A SQL identifier shiftsync creates objects under: [A-Za-z_][A-Za-z0-9_$]*, at most 127 bytes.
bool is_plain_identifier(std::string_view text);

// Levenshtein distance, for suggestions.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The closest of `known` within 2 edits (and closer than the word's own length), or empty.
std::string closest_match(std::string_view word, std::span<const std::string_view> known);

}  // namespace shiftsync::transfer::sync
