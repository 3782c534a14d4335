#include "tools/shiftsync/output/row_writer.hpp"

#include <gtest/gtest.h>

#include <cstdio>

using namespace shiftsync::cli;
using namespace shiftsync::aws::redshift_data;

namespace {

std::string render(row_format format, const std::vector<row>& rows) {
    char* buffer = nullptr;
    std::size_t size = 0;
    std::FILE* out = open_memstream(&buffer, &size);
    auto writer = make_row_writer(format, out);
    writer->columns({{.name = "id"}, {.name = "name"}, {.name = "ok"}, {.name = "blob"}});
    for (const auto& r : rows) writer->row(r);
    writer->finish();
    std::fclose(out);
    std::string text(buffer, size);
    std::free(buffer);
    return text;
}

const std::vector<row> sample = {
    {std::int64_t{1}, std::string("plain"), true, blob_value{std::string("\x01\xff", 2)}},
    {std::int64_t{-2}, std::string("comma, \"quote\"\nnewline"), false, null_value{}},
    {null_value{}, std::string(""), null_value{}, null_value{}},
};

}  // namespace

TEST(RowWriter, CsvQuotesOnlyWhatNeedsItAndTellsNullFromEmpty) {
    EXPECT_EQ(render(row_format::csv, sample),
              "id,name,ok,blob\n"
              "1,plain,true,\\x01ff\n"
              "-2,\"comma, \"\"quote\"\"\nnewline\",false,\n"
              ",\"\",,\n");
}

TEST(RowWriter, NdjsonIsTyped) {
    EXPECT_EQ(render(row_format::ndjson, sample),
              "{\"id\":1,\"name\":\"plain\",\"ok\":true,\"blob\":\"\\\\x01ff\"}\n"
              "{\"id\":-2,\"name\":\"comma, \\\"quote\\\"\\nnewline\",\"ok\":false,\"blob\":null}\n"
              "{\"id\":null,\"name\":\"\",\"ok\":null,\"blob\":null}\n");
}

TEST(RowWriter, TableAlignsColumns) {
    std::string text = render(row_format::table, {{std::int64_t{1}, std::string("a"), true, null_value{}},
                                                  {std::int64_t{22}, std::string("bbb"), false, null_value{}}});
    EXPECT_EQ(text,
              "id | name | ok    | blob\n"
              "---+------+-------+-----\n"
              "1  | a    | true  | NULL\n"
              "22 | bbb  | false | NULL\n");
}
