#include "transfer/rows/row_encoder.hpp"

#include <gtest/gtest.h>

using namespace shiftsync::transfer::rows;

namespace {
schema every_kind() {
    return {{"i", "int8", value_kind::integer}, {"d", "numeric", value_kind::decimal},
            {"r", "float8", value_kind::real8}, {"b", "bool", value_kind::boolean},
            {"s", "varchar", value_kind::text}, {"j", "super", value_kind::super}};
}
}  // namespace

TEST(RowEncoder, CsvHeaderNullsEmptyStringsAndQuoting) {
    auto cols = every_kind();
    row_batch batch(cols.size());
    for (auto v : {"1", "2.50", "0.1", "true", "a,\"b\"", "{\"k\":[1,2]}"}) batch.add_value(v);
    for (int i = 0; i < 4; ++i) batch.end_null();
    batch.add_value("");
    batch.end_null();
    std::string out;
    encode_header(output_format::csv, cols, out);
    encode_rows(output_format::csv, cols, batch, out);
    EXPECT_EQ(out, "i,d,r,b,s,j\n1,2.50,0.1,true,\"a,\"\"b\"\"\",\"{\"\"k\"\":[1,2]}\"\n,,,,\"\",\n");
}

TEST(RowEncoder, NdjsonNumbersExactSuperEmbeddedStringsEscaped) {
    auto cols = every_kind();
    row_batch batch(cols.size());
    for (auto v : {"9223372036854775807", "12345678901234567890.10", "NaN", "false", "tab\there \"q\" \x01",
                   "{\"k\":null}"})
        batch.add_value(v);
    std::string out;
    encode_header(output_format::ndjson, cols, out);
    encode_rows(output_format::ndjson, cols, batch, out);
    EXPECT_EQ(out, "{\"i\":9223372036854775807,\"d\":12345678901234567890.10,\"r\":\"NaN\",\"b\":false,"
                   "\"s\":\"tab\\there \\\"q\\\" \\u0001\",\"j\":{\"k\":null}}\n");
}
