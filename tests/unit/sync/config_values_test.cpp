// The config file's small languages: interpolation, lookbacks, memory sizes, names, suggestions.

#include "transfer/sync/config_values.hpp"

#include <gtest/gtest.h>

namespace {

using namespace shiftsync::transfer::sync;

getenv_function env_of(std::map<std::string, std::string, std::less<>> vars) {
    return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
        auto it = vars.find(name);
        if (it == vars.end()) return std::nullopt;
        return it->second;
    };
}

TEST(SyncConfigInterpolate, substitutes_defaults_and_escapes) {
    auto env = env_of({{"USER", "alice"}, {"EMPTY", ""}});
    auto r = interpolate("${USER}@${HOST:-localhost}:${EMPTY:-5432} costs $$1, $2 ${ and $", env);
    EXPECT_EQ(r.error, "'${' without its closing '}' (write $$ for a literal '$')");
    r = interpolate("${USER}@${HOST:-localhost}:${EMPTY:-5432} costs $$1, $2 and $", env);
    EXPECT_EQ(r.error, "");
    EXPECT_EQ(r.value, "alice@localhost:5432 costs $1, $2 and $");
    EXPECT_TRUE(r.substituted);
    EXPECT_EQ(r.from_env, std::vector<std::string>{"alice"});  // defaults are not secrets
    auto plain = interpolate("no variables", env);
    EXPECT_FALSE(plain.substituted);
    EXPECT_EQ(plain.value, "no variables");
    EXPECT_EQ(interpolate("$${USER}", env).value, "${USER}");  // an escaped reference stays text
    EXPECT_EQ(interpolate("${EMPTY:-}", env).value, "");
}

TEST(SyncConfigInterpolate, names_every_unset_variable_and_never_a_value) {
    auto env = env_of({{"SET", "value-never-shown"}});
    auto r = interpolate("${SET}${A}${B}", env);
    EXPECT_EQ(r.error, "environment variable ${A}, ${B} are not set (export it, or give a default: ${A:-value})");
    EXPECT_EQ(r.error.find("value-never-shown"), std::string::npos);
    EXPECT_EQ(interpolate("${1A}", env).error,
              "'${1A}' is not an environment variable reference (${NAME} or ${NAME:-default}; $$ for a literal '$')");
    EXPECT_NE(interpolate("${}", env).error, "");
    EXPECT_NE(interpolate("${A B}", env).error, "");
}

TEST(SyncConfigLookback, durations_counts_and_zero) {
    auto five = parse_lookback("5m");
    ASSERT_TRUE(five);
    EXPECT_EQ(five->what, lookback::kind::duration);
    EXPECT_EQ(five->seconds, 300);
    EXPECT_EQ(five->text, "5m");
    EXPECT_EQ(parse_lookback("1h30m")->seconds, 5400);
    EXPECT_EQ(parse_lookback("2d")->seconds, 172800);
    EXPECT_EQ(parse_lookback("45s")->seconds, 45);
    EXPECT_EQ(parse_lookback("30m1h")->seconds, 5400);  // any order adds up
    auto count = parse_lookback("100");
    ASSERT_TRUE(count);
    EXPECT_EQ(count->what, lookback::kind::count);
    EXPECT_EQ(count->count, 100);
    EXPECT_EQ(parse_lookback("0")->what, lookback::kind::none);
    EXPECT_EQ(parse_lookback("0s")->what, lookback::kind::none);
    EXPECT_EQ(parse_lookback("36500d")->seconds, 36500ll * 86400);
}

TEST(SyncConfigLookback, refuses_what_is_not_one) {
    for (const char* text : {"", "m", "-5m", "5 m", "5M", "1.5h", "5w", "1h30", "soon", "36501d",
                             "99999999999999999999", "1h-1m", "+5m"})
        EXPECT_FALSE(parse_lookback(text)) << text;
}

TEST(SyncConfigMemorySize, units_plain_bytes_and_limits) {
    EXPECT_EQ(parse_memory_size("256MiB"), 256ull << 20);
    EXPECT_EQ(parse_memory_size("1GiB"), 1ull << 30);
    EXPECT_EQ(parse_memory_size("64KiB"), 64ull << 10);
    EXPECT_EQ(parse_memory_size("2TiB"), 2ull << 40);
    EXPECT_EQ(parse_memory_size("64MB"), 64'000'000u);
    EXPECT_EQ(parse_memory_size("1048576"), 1048576u);
    EXPECT_EQ(parse_memory_size("512B"), 512u);
    EXPECT_EQ(parse_memory_size("16777215TiB"), 16777215ull << 40);
    for (const char* text : {"", "0", "0MiB", "MiB", "256 MiB", "256mib", "1.5GiB", "-1", "16777216TiB",
                             "99999999999999999999", "256MiBs"})
        EXPECT_FALSE(parse_memory_size(text)) << text;
}

TEST(SyncConfigNames, plain_identifiers) {
    EXPECT_TRUE(is_plain_identifier("shiftsync"));
    EXPECT_TRUE(is_plain_identifier("_state$2"));
    EXPECT_FALSE(is_plain_identifier(""));
    EXPECT_FALSE(is_plain_identifier("2state"));
    EXPECT_FALSE(is_plain_identifier("my-state"));
    EXPECT_FALSE(is_plain_identifier("a.b"));
    EXPECT_FALSE(is_plain_identifier(std::string(128, 'a')));
}

TEST(SyncConfigSuggestions, within_two_edits_and_never_a_whole_rewrite) {
    EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
    EXPECT_EQ(edit_distance("", "abc"), 3u);
    EXPECT_EQ(edit_distance("same", "same"), 0u);
    constexpr std::string_view keys[] = {"primary_key", "cursor", "write", "where", "via"};
    EXPECT_EQ(closest_match("primery_key", keys), "primary_key");
    EXPECT_EQ(closest_match("cursr", keys), "cursor");
    EXPECT_EQ(closest_match("wirte", keys), "write");  // a swap is two edits
    EXPECT_EQ(closest_match("lookback", keys), "");
    EXPECT_EQ(closest_match("vi", keys), "via");
    EXPECT_EQ(closest_match("vx", keys), "");  // two edits of a two-letter word rewrite it whole
}

}  // namespace
