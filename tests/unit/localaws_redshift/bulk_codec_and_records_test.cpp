// COPY's input side and UNLOAD's output side without a database: codecs, PostgreSQL text format,
// record splitting across chunk boundaries, field rules.
#include <gtest/gtest.h>

#include "tools/localaws/redshift/bulk/codec.hpp"
#include "tools/localaws/redshift/bulk/copy_fields.hpp"
#include "tools/localaws/redshift/bulk/copy_records.hpp"
#include "tools/localaws/redshift/bulk/pg_text.hpp"

namespace bulk = localaws::redshift::bulk;
namespace dialect = localaws::redshift::dialect;
using dialect::compression;

namespace {

std::string compress(compression c, const std::string& text) {
    std::string out;
    auto codec = bulk::make_compressor(c);
    codec->write(text, out);
    codec->finish(out);
    return out;
}

// Decompresses `data` fed in pieces of `step` bytes.
std::string decompress(compression c, const std::string& data, std::size_t step, std::string& error) {
    std::string out;
    auto codec = bulk::make_decompressor(c);
    for (std::size_t at = 0; at < data.size(); at += step)
        if (!codec->write(std::string_view(data).substr(at, step), out, error)) return out;
    codec->finish(error);
    return out;
}

std::vector<std::vector<std::string>> split_all(const dialect::copy_command& cmd, const std::string& input,
                                                std::size_t step, std::vector<std::uint64_t>* lines = nullptr,
                                                std::vector<std::string>* errors = nullptr) {
    std::vector<std::vector<std::string>> rows;
    bulk::record_splitter splitter(cmd, {"id", "name"});
    auto emit = [&](bulk::input_record& r) {
        std::vector<std::string> row;
        for (const auto& f : r.fields) row.push_back(f.is_null ? "<null>" : f.text);
        rows.push_back(row);
        if (lines) lines->push_back(r.line_number);
        if (errors) errors->push_back(r.error);
        return true;
    };
    for (std::size_t at = 0; at < input.size(); at += step) splitter.feed(std::string_view(input).substr(at, step), emit);
    splitter.finish(emit);
    return rows;
}

}  // namespace

TEST(Codec, EveryCompressionRoundTripsInAnyChunking) {
    std::string text;
    for (int i = 0; i < 20000; ++i) text += "row " + std::to_string(i) + ",näme\n";
    for (compression c : {compression::none, compression::gzip, compression::zstd, compression::bzip2}) {
        std::string packed = compress(c, text);
        for (std::size_t step : {std::size_t{1} << 20, std::size_t{7}}) {
            std::string error;
            EXPECT_EQ(decompress(c, packed, step, error), text) << static_cast<int>(c);
            EXPECT_EQ(error, "");
        }
    }
    EXPECT_LT(compress(compression::gzip, text).size(), text.size() / 3);
}

TEST(Codec, ConcatenatedGzipMembersAndCorruption) {
    std::string two = compress(compression::gzip, "first\n") + compress(compression::gzip, "second\n");
    std::string error;
    EXPECT_EQ(decompress(compression::gzip, two, 5, error), "first\nsecond\n");
    EXPECT_EQ(error, "");
    std::string packed = compress(compression::gzip, std::string(100000, 'x'));
    decompress(compression::gzip, packed.substr(0, packed.size() / 2), 1 << 20, error);
    EXPECT_NE(error, "") << "truncated input is an error";
    error.clear();
    decompress(compression::zstd, "not zstd at all", 1 << 20, error);
    EXPECT_NE(error, "");
    EXPECT_STREQ(bulk::file_extension(compression::gzip), ".gz");
    EXPECT_STREQ(bulk::file_extension(compression::zstd), ".zst");
    EXPECT_STREQ(bulk::file_extension(compression::bzip2), ".bz2");
}

TEST(PgText, SplitAndEscapeAreInverse) {
    std::vector<std::optional<std::string>> fields;
    bulk::split_pg_text_row("1\t\\N\ta\\tb\\nc\\\\d\t\\101", fields);
    ASSERT_EQ(fields.size(), 4u);
    EXPECT_EQ(fields[0], "1");
    EXPECT_FALSE(fields[1]);
    EXPECT_EQ(fields[2], "a\tb\nc\\d");
    EXPECT_EQ(fields[3], "A");
    std::string out;
    bulk::append_pg_text_field(out, std::string_view("a\tb\nc\\d\r"));
    out += '\t';
    bulk::append_pg_text_field(out, std::nullopt);
    EXPECT_EQ(out, "a\\tb\\nc\\\\d\\r\t\\N");
}

TEST(RecordSplitter, CsvQuotedFieldsAcrossChunksAndLines) {
    dialect::copy_command cmd;
    cmd.format = dialect::copy_format::csv;
    const std::string input = "1,\"multi\nline, \"\"quoted\"\"\"\r\n2,plain\n3,\"\"\n4,";
    for (std::size_t step : {std::size_t{1}, std::size_t{3}, std::size_t{1000}}) {
        std::vector<std::uint64_t> lines;
        auto rows = split_all(cmd, input, step, &lines);
        ASSERT_EQ(rows.size(), 4u) << step;
        EXPECT_EQ(rows[0], (std::vector<std::string>{"1", "multi\nline, \"quoted\""}));
        EXPECT_EQ(rows[1], (std::vector<std::string>{"2", "plain"}));
        EXPECT_EQ(rows[2], (std::vector<std::string>{"3", ""}));
        EXPECT_EQ(rows[3], (std::vector<std::string>{"4", ""}));
        EXPECT_EQ(lines, (std::vector<std::uint64_t>{1, 3, 4, 5}));
    }
    std::vector<std::string> errors;
    split_all(cmd, "1,\"never closed\n", 4, nullptr, &errors);
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_NE(errors[0].find("Unterminated"), std::string::npos);
}

TEST(RecordSplitter, DelimitedTextKeepsBackslashesLiteral) {
    dialect::copy_command cmd;
    auto rows = split_all(cmd, "1|a\\b|extra\n2|x", 2);
    EXPECT_EQ(rows[0], (std::vector<std::string>{"1", "a\\b", "extra"}));
    EXPECT_EQ(rows[1], (std::vector<std::string>{"2", "x"}));
}

TEST(RecordSplitter, JsonAutoMatchesKeysToColumns) {
    dialect::copy_command cmd;
    cmd.format = dialect::copy_format::json_auto;
    std::vector<std::uint64_t> lines;
    std::vector<std::string> errors;
    auto rows = split_all(cmd, "{\"id\": 1, \"name\": \"a}b\"}{\"ID\": 2}\n\n{\"id\": 3, \"name\": {\"x\": [1]}}\n{\"id\": ", 5,
                          &lines, &errors);
    ASSERT_EQ(rows.size(), 4u);
    EXPECT_EQ(rows[0], (std::vector<std::string>{"1", "a}b"}));
    EXPECT_EQ(rows[1], (std::vector<std::string>{"<null>", "<null>"})) << "'auto' is case-sensitive";
    EXPECT_EQ(rows[2], (std::vector<std::string>{"3", "{\"x\":[1]}"}));
    EXPECT_EQ(lines[2], 3u);
    EXPECT_NE(errors[3], "");
    cmd.format = dialect::copy_format::json_auto_ignorecase;
    EXPECT_EQ(split_all(cmd, "{\"ID\": 2, \"Name\": \"z\"}", 100)[0], (std::vector<std::string>{"2", "z"}));
}

TEST(FieldRules, NullsBlanksTruncationAndValidation) {
    dialect::copy_command cmd;
    cmd.empty_as_null = true;
    cmd.truncate_columns = true;
    std::vector<bulk::target_column> columns{{"id", 23, -1, "integer", true}, {"name", 1043, 4 + 3, "character varying(3)", false}};
    bulk::field_converter converter(cmd, columns);
    auto convert = [&](std::vector<bulk::input_field> fields, std::string& out) {
        bulk::input_record r;
        r.fields = std::move(fields);
        return converter.convert(r, out);
    };
    std::string out;
    EXPECT_FALSE(convert({{"1"}, {"abcdef"}}, out));
    EXPECT_FALSE(convert({{"2"}, {""}}, out));
    EXPECT_FALSE(convert({{"3"}, {"", true}}, out));
    EXPECT_FALSE(convert({{"4"}, {"\\N"}}, out));
    EXPECT_FALSE(convert({{"5"}, {"ü\tx"}}, out));
    EXPECT_EQ(out, "1\tabc\n2\t\\N\n3\t\n4\t\\N\n5\tü\\t\n") << "TRUNCATECOLUMNS keeps 3 bytes: ü is 2";
    EXPECT_EQ(convert({{"x1"}, {"a"}}, out)->code, 1207);
    EXPECT_EQ(convert({{"99999999999"}, {"a"}}, out)->code, 1207);
    EXPECT_EQ(convert({{""}, {"a"}}, out)->code, 1213) << "NOT NULL column";
    EXPECT_EQ(convert({{"1"}}, out)->code, 1214);
    EXPECT_EQ(convert({{"1"}, {"a"}, {"b"}}, out)->code, 1202);
    EXPECT_EQ(convert({{"1"}, {"a\xff"}}, out)->code, 1220);
    EXPECT_EQ(out, "1\tabc\n2\t\\N\n3\t\n4\t\\N\n5\tü\\t\n") << "rejected rows add nothing";
}

// Redshift counts VARCHAR(n) and CHAR(n) in bytes, and CHAR holds single-byte characters only.
TEST(FieldRules, CharacterLengthsAreBytes) {
    dialect::copy_command cmd;
    std::vector<bulk::target_column> columns{{"v", 1043, 4 + 12, "character varying(12)", false},
                                             {"c", 1042, 4 + 4, "character(4)", false}};
    bulk::field_converter converter(cmd, columns);
    auto convert = [&](std::string v, std::string c, std::string& out) {
        bulk::input_record r;
        r.fields = {{std::move(v)}, {std::move(c)}};
        return converter.convert(r, out);
    };
    std::string out;
    EXPECT_FALSE(convert("日本語日", "abcd", out)) << "4 characters of 3 bytes: 12 bytes";
    auto too_long = convert("日本語日本", "a", out);  // 5 characters, 15 bytes
    ASSERT_TRUE(too_long);
    EXPECT_EQ(too_long->code, 1204);
    EXPECT_EQ(too_long->message, "String length exceeds DDL length");
    EXPECT_EQ(too_long->column, 0u);
    auto multibyte = convert("x", "né", out);
    ASSERT_TRUE(multibyte);
    EXPECT_EQ(multibyte->code, 1220);
    EXPECT_EQ(multibyte->message, "Multibyte character not supported for CHAR (Hint: Try using VARCHAR). Invalid char: c3 a9");
    EXPECT_EQ(multibyte->column, 1u);
    EXPECT_EQ(out, "日本語日\tabcd\n");

    cmd.truncate_columns = true;
    cmd.accept_inv_chars = "?";
    bulk::field_converter lenient(cmd, columns);
    bulk::input_record r;
    r.fields = {{"ab日本語日"}, {"né"}};
    std::string kept;
    EXPECT_FALSE(lenient.convert(r, kept));
    EXPECT_EQ(kept, "ab日本語\tn?\n") << "cut at a character boundary within 12 bytes; é replaced";
}

TEST(FieldRules, VarbyteLoadsFromHex) {
    dialect::copy_command cmd;
    std::vector<bulk::target_column> columns{{"b", 17, -1, "bytea", false}};
    bulk::field_converter converter(cmd, columns);
    auto convert = [&](std::string text, std::string& out) {
        bulk::input_record r;
        r.fields = {{std::move(text)}};
        return converter.convert(r, out);
    };
    std::string out;
    EXPECT_FALSE(convert("00ff4D", out));
    EXPECT_FALSE(convert("", out));
    EXPECT_EQ(out, "\\\\x00ff4D\n\\N\n") << "hex behind \\x (escaped for COPY's text format); empty is NULL";
    auto bad = convert("0g", out);
    ASSERT_TRUE(bad);
    EXPECT_EQ(bad->code, 1207);
    EXPECT_EQ(bad->message, "Invalid hexadecimal value '0g', Type: Varbyte");
    EXPECT_EQ(convert("abc", out)->code, 1207) << "an odd number of digits";
}

TEST(FieldRules, DateAndTimeFormats) {
    EXPECT_EQ(bulk::apply_datetime_format("MM/DD/YYYY", "03/04/2021"), "2021-03-04");
    EXPECT_EQ(bulk::apply_datetime_format("YYYY-MM-DD HH24:MI:SS", "2021-03-04 17:05:09.125"), "2021-03-04 17:05:09.125");
    EXPECT_EQ(bulk::apply_datetime_format("DD-MON-YY HH12:MI AM", "05-Jan-99 01:30 PM"), "1999-01-05 13:30:00");
    EXPECT_EQ(bulk::apply_datetime_format("epochsecs", "86400"), "1970-01-02 00:00:00");
    EXPECT_EQ(bulk::apply_datetime_format("epochmillisecs", "1500"), "1970-01-01 00:00:01.500000");
    EXPECT_FALSE(bulk::apply_datetime_format("YYYY-MM-DD", "2021/03/04"));
    EXPECT_FALSE(bulk::apply_datetime_format("YYYY-MM-DD", "2021-03-04 extra"));
}
