#include "transfer/rows/csv_decoder.hpp"

#include <gtest/gtest.h>

using namespace shiftsync::transfer::rows;

namespace {

schema three_columns() {
    return {{"id", "int4", value_kind::integer}, {"name", "varchar", value_kind::text}, {"ok", "bool", value_kind::boolean}};
}

// Every value of a batch as text, NULL as "<null>", rows separated by '|'.
std::string dump(const row_batch& b) {
    std::string out;
    for (std::size_t r = 0; r < b.rows(); ++r) {
        if (r) out += '|';
        for (std::size_t c = 0; c < b.columns(); ++c) {
            if (c) out += ';';
            out += b.is_null(r, c) ? std::string("<null>") : std::string(b.value(r, c));
        }
    }
    return out;
}

// Feeds `input` split at `cut`, the way chunks arrive, keeping the unused tail as a caller must.
std::string decode_in_two(const schema& cols, csv_dialect dialect, const std::string& input, std::size_t cut) {
    csv_decoder d(cols, dialect);
    row_batch batch(cols.size());
    std::string pending = input.substr(0, cut);
    auto used = d.decode(pending, false, batch);
    EXPECT_TRUE(used.has_value()) << d.error();
    pending = pending.substr(*used) + input.substr(cut);
    used = d.decode(pending, true, batch);
    EXPECT_TRUE(used.has_value()) << d.error();
    EXPECT_EQ(*used, pending.size());
    return dump(batch);
}

}  // namespace

TEST(CsvDecoder, QuotesCommasLineBreaksAndTheNullMarker) {
    auto cols = three_columns();
    std::string input = "1,plain,t\n2,\"a,b \"\"q\"\"\nline\",f\n3,NUL,t\n4,\"NUL\",f\n5,,t\r\n";
    std::string expected = "1;plain;true|2;a,b \"q\"\nline;false|3;<null>;true|4;NUL;false|5;;true";
    csv_dialect dialect{',', std::string("NUL"), false};
    for (std::size_t cut = 0; cut <= input.size(); ++cut)
        ASSERT_EQ(decode_in_two(cols, dialect, input, cut), expected) << "cut at " << cut;
}

TEST(CsvDecoder, EmptyUnquotedIsNullOnlyWhenAsked) {
    auto cols = three_columns();
    csv_dialect users{',', std::nullopt, true};
    EXPECT_EQ(decode_in_two(cols, users, "1,,t\n2,\"\",f\n", 3), "1;<null>;true|2;;false");
}

TEST(CsvDecoder, CountsRecordsAndPhysicalLines) {
    auto cols = three_columns();
    csv_decoder d(cols, {});
    row_batch batch(cols.size());
    std::string input = "1,\"two\nlines\",t\n2,x,f\n";
    ASSERT_TRUE(d.decode(input, true, batch));
    EXPECT_EQ(d.records(), 2u);
    EXPECT_EQ(d.lines(), 3u);
}

TEST(CsvDecoder, MalformedRecordsNameRecordAndLine) {
    auto cols = three_columns();
    row_batch batch(cols.size());
    {
        csv_decoder d(cols, {});
        EXPECT_FALSE(d.decode("1,a,t\n2,b\n", true, batch));
        EXPECT_NE(d.error().find("record 2 (line 2)"), std::string::npos) << d.error();
        EXPECT_NE(d.error().find("2 fields where 3"), std::string::npos) << d.error();
    }
    {
        csv_decoder d(cols, {});
        EXPECT_FALSE(d.decode("x,a,t\n", true, batch));
        EXPECT_NE(d.error().find("\"id\""), std::string::npos) << d.error();
    }
    {
        csv_decoder d(cols, {});
        EXPECT_FALSE(d.decode("1,\"open,t\n", true, batch));
        EXPECT_NE(d.error().find("not closed"), std::string::npos) << d.error();
    }
    {
        csv_decoder d(cols, {});
        EXPECT_FALSE(d.decode("1,a,t,extra\n", true, batch));
        EXPECT_NE(d.error().find("more fields"), std::string::npos) << d.error();
    }
    EXPECT_EQ(batch.rows(), 1u);  // only the good first record of the first input is kept
}

TEST(CsvDecoder, StopsWhenTheBatchIsFullAndResumes) {
    schema cols{{"v", "varchar", value_kind::text}};
    std::string value(1000, 'x');
    std::string input;
    for (int i = 0; i < 3000; ++i) input += value + "\n";
    csv_decoder d(cols, {});
    std::size_t rows = 0, pos = 0, batches = 0;
    while (pos < input.size()) {
        row_batch batch(1);
        auto used = d.decode(std::string_view(input).substr(pos), true, batch);
        ASSERT_TRUE(used);
        ASSERT_GT(*used, 0u);
        pos += *used;
        rows += batch.rows();
        ++batches;
    }
    EXPECT_EQ(rows, 3000u);
    EXPECT_GE(batches, 3u);
}
