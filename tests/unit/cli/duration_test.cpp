#include "tools/shiftsync/output/duration.hpp"

#include <gtest/gtest.h>

using shiftsync::cli::parse_duration;
using namespace std::chrono_literals;

TEST(parse_duration, reads_units_combinations_and_plain_seconds) {
    EXPECT_EQ(parse_duration("6h"), std::chrono::seconds(6h));
    EXPECT_EQ(parse_duration("90m"), std::chrono::seconds(90min));
    EXPECT_EQ(parse_duration("45s"), 45s);
    EXPECT_EQ(parse_duration("2d"), std::chrono::seconds(48h));
    EXPECT_EQ(parse_duration("1h30m"), std::chrono::seconds(90min));
    EXPECT_EQ(parse_duration("0s"), 0s);
    EXPECT_EQ(parse_duration("0"), 0s);
    EXPECT_EQ(parse_duration("3600"), 3600s);
}

TEST(parse_duration, refuses_what_is_not_a_duration) {
    for (const char* text : {"", "h", "-1h", "6 h", "6H", "1.5h", "6w", "1h30", "soon", "99999999999999999999s",
                             "36501d", "1h-1m"})
        EXPECT_FALSE(parse_duration(text)) << text;
}
