#include "transfer/load/type_inference.hpp"

#include <gtest/gtest.h>

#include <initializer_list>

using shiftsync::transfer::load::type_sampler;

namespace {

std::string infer(std::initializer_list<const char*> values) {
    type_sampler s(1);
    for (const char* v : values) s.add(0, v);
    return s.ddl(0);
}

}  // namespace

TEST(TypeInference, NumbersTakeTheNarrowestTypeThatHoldsEveryValue) {
    EXPECT_EQ(infer({"1", "-2", "2147483647"}), "INTEGER");
    EXPECT_EQ(infer({"1", "2147483648"}), "BIGINT");
    EXPECT_EQ(infer({"1", "99999999999999999999"}), "NUMERIC(20,0)");
    EXPECT_EQ(infer({"1.5", "-20.25", "3"}), "NUMERIC(20,2)");
    EXPECT_EQ(infer({"0.000001"}), "NUMERIC(24,6)");
    EXPECT_EQ(infer({"1", "1e5"}), "");  // exponents stay text (NUMERIC would refuse them)
    EXPECT_EQ(infer({"12345678901234567890123456789012345678.5"}), "");  // past 38 digits
}

TEST(TypeInference, BooleansDatesAndTimestamps) {
    EXPECT_EQ(infer({"true", "false"}), "BOOLEAN");
    EXPECT_EQ(infer({"true", "yes"}), "");
    EXPECT_EQ(infer({"2026-12-02", "2024-02-29"}), "DATE");
    EXPECT_EQ(infer({"2026-13-02"}), "");
    EXPECT_EQ(infer({"2026-12-02 10:00:00", "2026-12-02T10:00:00.123456"}), "TIMESTAMP");
    EXPECT_EQ(infer({"2026-12-02 10:00:00+00", "2026-12-02 10:00:00.5-05:30"}), "TIMESTAMPTZ");
    EXPECT_EQ(infer({"2026-12-02 10:00:00", "2026-12-02 10:00:00+00"}), "");
    EXPECT_EQ(infer({"2026-12-02", "2026-12-02 10:00:00"}), "");
}

TEST(TypeInference, EmptyValuesSayNothingAndMixedColumnsAreText) {
    EXPECT_EQ(infer({"", "7", ""}), "INTEGER");
    EXPECT_EQ(infer({"", ""}), "");
    EXPECT_EQ(infer({"7", "seven"}), "");
    type_sampler s(2);
    s.add(1, "x");
    EXPECT_EQ(s.ddl(0), "");
    EXPECT_EQ(s.ddl(5), "");
}
