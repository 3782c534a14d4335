#include "transfer/sync/cursor.hpp"

#include <gtest/gtest.h>

namespace {

using namespace shiftsync::transfer::sync;
using shiftsync::transfer::rows::value_kind;

TEST(Cursor, integers_compare_by_value_not_text) {
    EXPECT_LT(compare_cursor(value_kind::integer, "9", "10"), 0);
    EXPECT_GT(compare_cursor(value_kind::integer, "-9", "-10"), 0);
    EXPECT_LT(compare_cursor(value_kind::integer, "-1", "0"), 0);
    EXPECT_EQ(compare_cursor(value_kind::integer, "42", "42"), 0);
    EXPECT_LT(compare_cursor(value_kind::integer, "-9223372036854775808", "9223372036854775807"), 0);
}

TEST(Cursor, decimals_compare_every_digit) {
    EXPECT_LT(compare_cursor(value_kind::decimal, "12345678901234567890123456789.01", "12345678901234567890123456789.1"), 0);
    EXPECT_EQ(compare_cursor(value_kind::decimal, "1.50", "1.5"), 0);
    EXPECT_LT(compare_cursor(value_kind::decimal, "-0.5", "0.00"), 0);
    EXPECT_EQ(compare_cursor(value_kind::decimal, "-0.00", "0"), 0);
    EXPECT_GT(compare_cursor(value_kind::decimal, "-1.25", "-1.3"), 0);
    EXPECT_LT(compare_cursor(value_kind::decimal, "99.9", "100"), 0);
}

TEST(Cursor, timestamps_without_fraction_sort_first) {
    EXPECT_LT(compare_cursor(value_kind::timestamp, "2026-12-02 13:45:00", "2026-12-02 13:45:00.5"), 0);
    EXPECT_LT(compare_cursor(value_kind::timestamp, "2026-12-02 13:45:00.5", "2026-12-02 13:45:01"), 0);
    EXPECT_LT(compare_cursor(value_kind::timestamptz, "2026-12-02 13:45:00+00", "2026-12-02 13:45:00.000001+00"), 0);
    EXPECT_LT(compare_cursor(value_kind::date, "2026-09-30", "2026-10-01"), 0);
}

TEST(Cursor, reals_compare_as_numbers) {
    EXPECT_LT(compare_cursor(value_kind::real8, "9.5", "10.25"), 0);
    EXPECT_LT(compare_cursor(value_kind::real8, "-1e+300", "1e-300"), 0);
}

TEST(Cursor, integer_lookback_is_a_count) {
    std::string why;
    EXPECT_EQ(cursor_lower_bound(value_kind::integer, "1000", {0, 100}, why), "900");
    EXPECT_EQ(cursor_lower_bound(value_kind::integer, "1000", {0, 0}, why), "1000");
    EXPECT_EQ(cursor_lower_bound(value_kind::integer, "-9223372036854775800", {0, 100}, why), "-9223372036854775808");
    EXPECT_FALSE(cursor_lower_bound(value_kind::integer, "1000", {300, 0}, why));
    EXPECT_NE(why.find("duration lookback"), std::string::npos) << why;
}

TEST(Cursor, timestamp_lookback_crosses_days_and_keeps_fraction_and_zone) {
    std::string why;
    EXPECT_EQ(cursor_lower_bound(value_kind::timestamp, "2026-12-02 00:03:00.25", {300, 0}, why), "2026-12-01 23:58:00.25");
    EXPECT_EQ(cursor_lower_bound(value_kind::timestamptz, "2026-03-01 00:00:00+00", {86400, 0}, why), "2026-02-28 00:00:00+00");
    EXPECT_EQ(cursor_lower_bound(value_kind::timestamp, "2024-03-01 00:00:30", {60, 0}, why), "2024-02-29 23:59:30");
    EXPECT_EQ(cursor_lower_bound(value_kind::timestamp, "2026-12-02 10:00:00.5", {1, 0}, why), "2026-12-02 09:59:59.5");
}

TEST(Cursor, date_lookback_rounds_up_to_whole_days) {
    std::string why;
    EXPECT_EQ(cursor_lower_bound(value_kind::date, "2026-01-01", {300, 0}, why), "2025-12-31");
    EXPECT_EQ(cursor_lower_bound(value_kind::date, "2026-01-01", {2 * 86400, 0}, why), "2025-12-30");
}

TEST(Cursor, lookback_refused_where_it_means_nothing) {
    std::string why;
    EXPECT_FALSE(cursor_lower_bound(value_kind::text, "abc", {300, 0}, why));
    EXPECT_FALSE(cursor_lower_bound(value_kind::timestamp, "2026-12-02 10:00:00", {0, 5}, why));
    EXPECT_FALSE(cursor_lower_bound(value_kind::timestamp, "yesterday", {60, 0}, why));
    EXPECT_NE(why.find("yesterday"), std::string::npos);
    // no lookback: any kind, the value itself
    EXPECT_EQ(cursor_lower_bound(value_kind::text, "abc", {0, 0}, why), "abc");
}

TEST(Cursor, literals_are_typed_and_escaped_per_dialect) {
    EXPECT_EQ(cursor_literal(value_kind::integer, "-42", sql_dialect::redshift), "-42");
    EXPECT_EQ(cursor_literal(value_kind::decimal, "12.50", sql_dialect::postgres), "12.50");
    EXPECT_EQ(cursor_literal(value_kind::timestamp, "2026-12-02 13:45:00", sql_dialect::redshift),
              "'2026-12-02 13:45:00'::timestamp");
    EXPECT_EQ(cursor_literal(value_kind::text, "it's a \\ path", sql_dialect::redshift), "'it''s a \\\\ path'");
    EXPECT_EQ(cursor_literal(value_kind::text, "it's a \\ path", sql_dialect::postgres), "'it''s a \\ path'");
    // an "integer" that is not digits is never pasted bare
    EXPECT_EQ(cursor_literal(value_kind::integer, "1; drop table t", sql_dialect::redshift), "'1; drop table t'");
}

TEST(Cursor, tracker_keeps_the_greatest_non_null_value) {
    shiftsync::transfer::rows::row_batch batch(2);
    auto add = [&](const char* id, const char* at) {
        batch.add_value(id);
        if (at) batch.add_value(at);
        else batch.end_null();
    };
    add("1", "9");
    add("2", "10");
    add("3", nullptr);
    add("4", "2");
    cursor_tracker tracker(1, value_kind::integer);
    tracker.observe(batch);
    ASSERT_TRUE(tracker.max());
    EXPECT_EQ(*tracker.max(), "10");
    cursor_tracker idle;
    idle.observe(batch);
    EXPECT_FALSE(idle.max());
}

}  // namespace
