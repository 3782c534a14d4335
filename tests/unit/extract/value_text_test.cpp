#include "transfer/rows/value_text.hpp"

#include <gtest/gtest.h>

using namespace shiftsync::transfer::rows;

namespace {
std::string canonical(value_kind kind, std::string_view printed) {
    std::string out;
    EXPECT_TRUE(append_canonical(kind, printed, out)) << printed;
    return out;
}
}  // namespace

TEST(ValueText, BooleansFromEitherPathReadTrueOrFalse) {
    EXPECT_EQ(canonical(value_kind::boolean, "t"), "true");
    EXPECT_EQ(canonical(value_kind::boolean, "f"), "false");
    EXPECT_EQ(canonical(value_kind::boolean, "true"), "true");
    std::string out;
    EXPECT_FALSE(append_canonical(value_kind::boolean, "yes please", out));
    EXPECT_TRUE(out.empty());
}

TEST(ValueText, RealsAreTheShortestRoundTripOnBothPaths) {
    EXPECT_EQ(canonical(value_kind::real8, "0.1"), "0.1");
    EXPECT_EQ(canonical(value_kind::real8, "0.10000000000000001"), "0.1");  // a 17-digit print of the same double
    EXPECT_EQ(canonical(value_kind::real8, "1e+20"), "1e+20");
    EXPECT_EQ(canonical(value_kind::real4, "1.1"), "1.1");
    std::string from_double;
    append_real(value_kind::real4, static_cast<double>(1.1f), from_double);  // the Data API's double of a float4
    EXPECT_EQ(from_double, "1.1");
    std::string d;
    append_real(value_kind::real8, 0.1, d);
    EXPECT_EQ(d, canonical(value_kind::real8, "0.1"));
    EXPECT_EQ(canonical(value_kind::real8, "NaN"), "NaN");
    EXPECT_EQ(canonical(value_kind::real8, "-Infinity"), "-Infinity");
    std::string bad;
    EXPECT_FALSE(append_canonical(value_kind::real8, "1.5x", bad));
}

TEST(ValueText, TimesLoseTrailingZerosOfTheFractionOnly) {
    EXPECT_EQ(canonical(value_kind::timestamp, "2026-12-02 13:45:00.120000"), "2026-12-02 13:45:00.12");
    EXPECT_EQ(canonical(value_kind::timestamp, "2026-12-02 13:45:00.000000"), "2026-12-02 13:45:00");
    EXPECT_EQ(canonical(value_kind::timestamp, "2026-12-02 13:45:10"), "2026-12-02 13:45:10");
    EXPECT_EQ(canonical(value_kind::timestamptz, "2026-12-02 13:45:00.500+00"), "2026-12-02 13:45:00.5+00");
    EXPECT_EQ(canonical(value_kind::timetz, "01:02:03.100+05:30"), "01:02:03.1+05:30");
    EXPECT_EQ(canonical(value_kind::time, "10:00:00"), "10:00:00");
}

TEST(ValueText, DecimalsAndTextKeepEveryCharacter) {
    EXPECT_EQ(canonical(value_kind::decimal, "12345678901234567890.1200"), "12345678901234567890.1200");
    EXPECT_EQ(canonical(value_kind::text, " a,\"b\"\n"), " a,\"b\"\n");
}

TEST(ValueText, VarbyteIsLowercaseHexWithoutPrefix) {
    EXPECT_EQ(canonical(value_kind::varbyte, "\\x0AfF"), "0aff");
    EXPECT_EQ(canonical(value_kind::varbyte, "00ff"), "00ff");
    std::string hex;
    append_hex(std::string("\x00\xff\x10", 3), hex);
    EXPECT_EQ(hex, "00ff10");
    std::string bad;
    EXPECT_FALSE(append_canonical(value_kind::varbyte, "abc", bad));
}

TEST(ValueText, KindsComeFromRedshiftTypeNames) {
    EXPECT_EQ(kind_of_type("int8"), value_kind::integer);
    EXPECT_EQ(kind_of_type("numeric"), value_kind::decimal);
    EXPECT_EQ(kind_of_type("bool"), value_kind::boolean);
    EXPECT_EQ(kind_of_type("timestamptz"), value_kind::timestamptz);
    EXPECT_EQ(kind_of_type("varbyte"), value_kind::varbyte);
    EXPECT_EQ(kind_of_type("bpchar"), value_kind::text);
    EXPECT_EQ(kind_of_type("geometry"), value_kind::text);
}
