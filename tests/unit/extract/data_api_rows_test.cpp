#include "transfer/extract/data_api_rows.hpp"

#include <gtest/gtest.h>

using namespace shiftsync::transfer;
namespace rd = shiftsync::aws::redshift_data;

TEST(DataApiRows, TypedFieldsBecomeTheSameTextAsUnloadPrints) {
    std::vector<rd::column_metadata> meta(6);
    const char* types[] = {"int4", "numeric", "float4", "bool", "varbyte", "timestamp"};
    for (int i = 0; i < 6; ++i) {
        meta[i].name = "c" + std::to_string(i);
        meta[i].type_name = types[i];
    }
    auto cols = extract::schema_of(meta);
    rd::result_page page;
    page.rows.push_back({std::int64_t{-5}, std::string("10.50"), static_cast<double>(1.1f), true,
                         rd::blob_value{std::string("\x01\xab", 2)}, std::string("2026-01-01 00:00:00.100")});
    page.rows.push_back({rd::null_value{}, rd::null_value{}, rd::null_value{}, rd::null_value{}, rd::null_value{},
                         rd::null_value{}});
    rows::row_batch batch(cols.size());
    std::string why;
    ASSERT_TRUE(extract::append_page(cols, page, batch, why)) << why;
    ASSERT_EQ(batch.rows(), 2u);
    EXPECT_EQ(batch.value(0, 0), "-5");
    EXPECT_EQ(batch.value(0, 1), "10.50");
    EXPECT_EQ(batch.value(0, 2), "1.1");
    EXPECT_EQ(batch.value(0, 3), "true");
    EXPECT_EQ(batch.value(0, 4), "01ab");
    EXPECT_EQ(batch.value(0, 5), "2026-01-01 00:00:00.1");
    for (std::size_t c = 0; c < cols.size(); ++c) EXPECT_TRUE(batch.is_null(1, c));

    page.rows = {{std::int64_t{1}}};
    EXPECT_FALSE(extract::append_page(cols, page, batch, why));
    EXPECT_NE(why.find("1 fields"), std::string::npos);
}
