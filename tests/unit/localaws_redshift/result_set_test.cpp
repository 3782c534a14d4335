// The Data API's typed Field unions, ColumnMetadata and CSV pages from a result set, without a database.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "tools/localaws/data_api/redshift_types.hpp"
#include "tools/localaws/data_api/result_set.hpp"

namespace da = localaws::data_api;
namespace json = boost::json;

namespace {

// A page of Records as the client reads it; `next` gets the row after the page.
json::array records_of(const da::result_set& set, std::uint64_t first, std::size_t page_bytes, std::uint64_t& next) {
    std::string text;
    next = set.write_records(first, page_bytes, text);
    return json::parse(text).as_array();
}

}  // namespace

TEST(ResultSet, FieldsFollowRedshiftsMapping) {
    da::result_set set;
    std::vector<da::column_info> columns;
    for (unsigned oid : {16u, 20u, 701u, 1700u, 17u, 1082u, 3802u}) {
        da::column_info c;
        c.name = "c" + std::to_string(oid);
        c.type_oid = oid;
        c.type_name = da::short_type_name(oid);
        columns.push_back(c);
    }
    set.set_columns(columns);
    for (auto v : {"t", "-9007199254740993", "0.5", "12.30", "\\x00ff10", "2024-02-29", "{\"a\": 1}"}) set.add_value(v);
    set.end_row();
    set.add_value("f");
    for (int i = 0; i < 6; ++i) set.add_null();
    set.end_row();
    std::uint64_t next = 0;
    json::array records = records_of(set, 0, 1 << 20, next);
    EXPECT_EQ(next, 2u);
    EXPECT_EQ(json::serialize(records[0]),
              R"([{"booleanValue":true},{"longValue":-9007199254740993},{"doubleValue":5E-1},{"stringValue":"12.30"},)"
              R"({"stringValue":"00ff10"},{"stringValue":"2024-02-29"},{"stringValue":"{\"a\": 1}"}])");
    EXPECT_EQ(records[1].as_array()[1], (json::object{{"isNull", true}}));
    auto meta = set.column_metadata();
    EXPECT_EQ(meta[6].at("typeName"), "super");
    EXPECT_EQ(meta[4].at("typeName"), "varbyte");
    EXPECT_EQ(meta[1].at("precision"), 19);
    EXPECT_EQ(meta[1].at("isSigned"), true);
}

TEST(ResultSet, VarbyteIsLowercaseHexWithoutPrefixInJsonAndCsv) {
    da::result_set set;
    da::column_info c;
    c.name = "b";
    c.type_oid = 17;
    c.type_name = da::short_type_name(17);
    set.set_columns({c});
    set.add_value("\\x00ab4d");
    set.end_row();
    set.add_value("\\x");
    set.end_row();
    std::string records;
    set.write_records(0, 1 << 20, records);
    EXPECT_EQ(records, R"([[{"stringValue":"00ab4d"}],[{"stringValue":""}]])");
    std::string csv;
    set.csv(0, 1 << 20, csv);
    EXPECT_EQ(csv, "b\n00ab4d\n\n");
    EXPECT_EQ(set.column_metadata()[0].at("typeName"), "varbyte");
}

TEST(ResultSet, PagesAndCsv) {
    da::result_set set;
    da::column_info c;
    c.name = "v,1";
    c.type_oid = 25;
    set.set_columns({c});
    for (int i = 0; i < 1000; ++i) {
        set.add_value(i == 3 ? "say \"hi\"\nbye" : std::string(100, 'x'));
        set.end_row();
    }
    std::uint64_t next = 0;
    json::array page = records_of(set, 0, 10000, next);
    EXPECT_GT(next, 50u);
    EXPECT_LT(next, 200u);
    EXPECT_EQ(page.size(), next);
    std::string csv;
    set.csv(0, 100, csv);
    EXPECT_EQ(csv.substr(0, 6), "\"v,1\"\n");
    std::string third;
    set.csv(3, 1, third);
    EXPECT_EQ(third, "\"say \"\"hi\"\"\nbye\"\n");
    EXPECT_EQ(da::long_type_name("jsonb"), "super");
    EXPECT_EQ(da::long_type_name("character varying"), "character varying");
}
