// GetStatementResult's Records are written as JSON text directly (json_text, result_set::
// write_records). These tests hold them to the bytes the previous code produced, which built one
// boost::json object per field and serialized the page: reference_records() below is that code,
// kept verbatim apart from names, as the oracle.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <bit>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <numbers>
#include <random>

#include "tools/localaws/data_api/json_text.hpp"
#include "tools/localaws/data_api/redshift_types.hpp"
#include "tools/localaws/data_api/result_set.hpp"

namespace da = localaws::data_api;
namespace jt = localaws::data_api::json_text;
namespace json = boost::json;

namespace {

// --- the previous construction (result_set::field and result_set::records before the change) ---

json::object reference_field(const da::result_set& set, std::uint64_t row, std::size_t column) {
    if (set.is_null(row, column)) return {{"isNull", true}};
    std::string_view text = set.value(row, column);
    switch (da::field_kind_of(set.columns()[column].type_oid)) {
        case da::field_kind::boolean: return {{"booleanValue", text == "t"}};
        case da::field_kind::integer: {
            std::int64_t v = 0;
            std::from_chars(text.data(), text.data() + text.size(), v);
            return {{"longValue", v}};
        }
        case da::field_kind::floating: {
            double v = std::strtod(std::string(text).c_str(), nullptr);
            if (!std::isfinite(v)) return {{"stringValue", text}};
            return {{"doubleValue", v}};
        }
        case da::field_kind::varbyte:
            if (text.size() >= 2 && text[0] == '\\' && text[1] == 'x') text.remove_prefix(2);
            return {{"stringValue", text}};
        case da::field_kind::text: break;
    }
    return {{"stringValue", text}};
}

std::uint64_t reference_records(const da::result_set& set, std::uint64_t first_row, std::size_t page_bytes,
                                std::string& out) {
    json::array records;
    std::size_t bytes = 0;
    std::uint64_t row = first_row;
    const std::size_t columns = set.columns().size();
    for (; row < set.row_count() && (bytes < page_bytes || row == first_row); ++row) {
        json::array fields;
        for (std::size_t c = 0; c < columns; ++c) {
            fields.push_back(reference_field(set, row, c));
            bytes += set.value(row, c).size() + 20;
        }
        records.push_back(std::move(fields));
    }
    out = json::serialize(records);
    return row;
}

// --- helpers ---

std::string text_of_string(std::string_view s) {
    std::string out;
    jt::append_string(out, s);
    return out;
}

std::string text_of_double(double d) {
    std::string out;
    jt::append_double(out, d);
    return out;
}

da::column_info column(unsigned oid) {
    da::column_info c;
    c.name = "c" + std::to_string(oid);
    c.type_oid = oid;
    c.type_name = da::short_type_name(oid);
    return c;
}

// Awkward text: every control character, quotes, backslashes, DEL, UTF-8 of 2, 3 and 4 bytes,
// JSON-looking and empty text. All valid UTF-8, as PostgreSQL's UTF8 cluster gives.
std::vector<std::string> awkward_strings() {
    std::vector<std::string> out = {"",
                                    "plain",
                                    "say \"hi\"",
                                    "back\\slash\\",
                                    "\\x00ff",
                                    "tab\there\nnew\rline\fform\bback",
                                    "del\x7f",
                                    "zürich-東京-😀",
                                    "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80",
                                    "{\"a\": [1, \"\\u00e9\"]}",
                                    "</script>",
                                    "\u2028\u2029"};
    std::string controls;
    for (int c = 1; c < 0x20; ++c) controls += static_cast<char>(c);
    out.push_back(controls);
    std::string ascii;
    for (int c = 1; c < 0x80; ++c) ascii += static_cast<char>(c);  // PostgreSQL text never holds NUL
    out.push_back(ascii);
    std::string long_text = std::string(3000, 'x') + "\"";
    for (int i = 0; i < 1000; ++i) long_text += "東";
    out.push_back(long_text);
    return out;
}

// Bytes that are not UTF-8 (a database created with ENCODING SQL_ASCII can hold them): passed
// through untouched, as boost::json's serializer did.
std::vector<std::string> non_utf8_strings() {
    std::string every_byte;
    for (int c = 1; c < 256; ++c) every_byte += static_cast<char>(c);
    return {"\x80 lone continuation", "\xe6\x9d", every_byte};
}

std::vector<double> extreme_doubles() {
    using lim = std::numeric_limits<double>;
    return {0.0,           -0.0,           1.0,        -1.0,          0.5,           0.1,
            1.0 / 3,       2.0 / 3,        1e23,       1e22,          1e21,          9007199254740992.0,
            9007199254740993.0, 123456789012345680.0, 1e-7, 1e-5,     12345.6789,    -2.5e-300,
            lim::max(),    -lim::max(),    lim::min(), lim::denorm_min(), -lim::denorm_min(), lim::epsilon(),
            2.2250738585072009e-308,       4.9406564584124654e-324,   1.7976931348623157e308,
            5e-324 * 3,    100.0,          1e100,      1e-100,        std::numbers::pi, -std::numbers::e,
            static_cast<double>(0.1f),     static_cast<double>(3.4028235e38f), static_cast<double>(1.17549435e-38f)};
}

}  // namespace

TEST(JsonText, StringsAreWhatBoostJsonWrites) {
    for (const auto& s : awkward_strings()) {
        EXPECT_EQ(text_of_string(s), json::serialize(json::value(json::string(s)))) << s;
        // And valid JSON that reads back to the same bytes.
        EXPECT_EQ(json::parse(text_of_string(s)).as_string(), s);
    }
    for (const auto& s : non_utf8_strings()) EXPECT_EQ(text_of_string(s), json::serialize(json::value(json::string(s))));
    EXPECT_EQ(text_of_string("a\"b\\c\n\x01\x1f"), R"("a\"b\\c\n\u0001\u001f")");
}

TEST(JsonText, IntegersAreWhatBoostJsonWrites) {
    for (std::int64_t v : {std::int64_t{0}, std::int64_t{-1}, std::int64_t{42}, std::numeric_limits<std::int64_t>::min(),
                           std::numeric_limits<std::int64_t>::max(), std::int64_t{4294967295}}) {
        std::string out;
        jt::append_int(out, v);
        EXPECT_EQ(out, json::serialize(json::value(v)));
    }
}

TEST(JsonText, DoublesAreWhatBoostJsonWritesAndReadBack) {
    auto check = [](double d) {
        std::string text = text_of_double(d);
        ASSERT_EQ(text, json::serialize(json::value(d))) << std::bit_cast<std::uint64_t>(d);
        double back = 0;
        std::from_chars(text.data(), text.data() + text.size(), back);
        ASSERT_EQ(std::bit_cast<std::uint64_t>(back), std::bit_cast<std::uint64_t>(d)) << text;
    };
    for (double d : extreme_doubles()) check(d);
    EXPECT_EQ(text_of_double(0.5), "5E-1");
    EXPECT_EQ(text_of_double(-0.0), "-0E0");
    EXPECT_EQ(text_of_double(1e100), "1E100");
    // Random bit patterns cover every exponent; small integers and short decimals are PostgreSQL's
    // common case.
    std::mt19937_64 random(20261202);
    for (int i = 0; i < 200000; ++i) {
        double d = std::bit_cast<double>(random());
        if (std::isfinite(d)) check(d);
        check(static_cast<double>(static_cast<std::int64_t>(random() % 2000000) - 1000000) / 100);
        auto f = std::bit_cast<float>(static_cast<std::uint32_t>(random()));  // float4 columns
        if (std::isfinite(f)) check(static_cast<double>(f));
    }
}

// Every field kind, NULLs, escapes, UTF-8, the extreme values PostgreSQL prints, page after page:
// the same bytes and the same page ends as the boost::json construction.
TEST(ResultPageText, SameBytesAndPagesAsTheBoostJsonConstruction) {
    da::result_set set;
    //                  bool  int2  int4  int8  oid   float4 float8 numeric bytea text   varchar jsonb date
    std::vector<unsigned> oids = {16u, 21u, 23u, 20u, 26u, 700u, 701u, 1700u, 17u, 25u, 1043u, 3802u, 1082u};
    std::vector<da::column_info> columns;
    for (unsigned oid : oids) columns.push_back(column(oid));
    set.set_columns(columns);
    auto strings = awkward_strings();
    for (auto& s : non_utf8_strings()) strings.push_back(s);
    const std::vector<std::string> floats = {"0",        "-0",          "0.1",       "1e+308", "-1.7976931348623157e+308",
                                             "5e-324",   "2.2250738585072014e-308", "NaN",  "Infinity",
                                             "-Infinity", "3.4028235e+38", "1.1754944e-38", "123456.79", "1e400",
                                             " 1.5",     "+2"};
    const std::vector<std::string> ints = {"0", "-32768", "2147483647", "-9223372036854775808", "9223372036854775807",
                                           "4294967295", "99999999999999999999"};
    const std::vector<std::string> varbytes = {"\\x", "\\x00ff10", "\\xDEADbeef", "plain"};
    for (std::size_t row = 0; row < 400; ++row) {
        for (std::size_t c = 0; c < oids.size(); ++c) {
            if ((row + c) % 9 == 4) {
                set.add_null();
                continue;
            }
            switch (oids[c]) {
                case 16: set.add_value(row % 2 ? "t" : "f"); break;
                case 21: case 23: case 20: case 26: set.add_value(ints[(row + c) % ints.size()]); break;
                case 700: case 701: set.add_value(floats[(row + c) % floats.size()]); break;
                case 17: set.add_value(varbytes[row % varbytes.size()]); break;
                case 1700: set.add_value(row % 2 ? "-12.30" : "NaN"); break;
                case 1082: set.add_value("2024-02-29"); break;
                default: set.add_value(strings[(row * 7 + c) % strings.size()]); break;
            }
        }
        set.end_row();
    }
    for (std::size_t page_bytes : {std::size_t{1}, std::size_t{700}, std::size_t{20000}, std::size_t{1} << 20}) {
        std::uint64_t row = 0;
        int pages = 0;
        while (row < set.row_count()) {
            std::string expected, actual;
            std::uint64_t expected_next = reference_records(set, row, page_bytes, expected);
            std::uint64_t next = set.write_records(row, page_bytes, actual);
            ASSERT_EQ(next, expected_next) << "page_bytes " << page_bytes << " from row " << row;
            ASSERT_EQ(actual, expected) << "page_bytes " << page_bytes << " from row " << row;
            row = next;
            ++pages;
        }
        EXPECT_GE(pages, 1);
    }
}

// The exact text of the field kinds, so a change in the oracle or in boost::json cannot hide one.
TEST(ResultPageText, FieldsAsClientsSeeThem) {
    da::result_set set;
    set.set_columns({column(16), column(20), column(701), column(701), column(17), column(25)});
    for (auto v : {"f", "-7", "1.5", "-Infinity", "\\x0a", "é\"\n"}) set.add_value(v);
    set.end_row();
    for (int i = 0; i < 6; ++i) set.add_null();
    set.end_row();
    std::string out;
    EXPECT_EQ(set.write_records(0, 1 << 20, out), 2u);
    EXPECT_EQ(out, R"([[{"booleanValue":false},{"longValue":-7},{"doubleValue":1.5E0},{"stringValue":"-Infinity"},)"
                   R"({"stringValue":"0a"},{"stringValue":"é\"\n"}],)"
                   R"([{"isNull":true},{"isNull":true},{"isNull":true},{"isNull":true},{"isNull":true},{"isNull":true}]])");
}
