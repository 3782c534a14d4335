// load's sources, their sans-IO parts: which keys under an S3 prefix are read, and the query
// --from-table makes (PostgreSQL's name folding, identifiers quoted).

#include "transfer/load/chunk_reader.hpp"
#include "transfer/load/postgres_source.hpp"

#include <gtest/gtest.h>

using namespace shiftsync::transfer::load;

TEST(S3PrefixSource, RunMarkersManifestsAndHiddenNamesAreSkipped) {
    EXPECT_FALSE(is_skipped_key("part-0.csv"));
    EXPECT_FALSE(is_skipped_key("sub/part-3.csv.gz"));
    EXPECT_FALSE(is_skipped_key("manifest.csv"));  // only the exact name
    EXPECT_TRUE(is_skipped_key("_shiftsync_run"));
    EXPECT_TRUE(is_skipped_key("run-1/_shiftsync_run"));
    EXPECT_TRUE(is_skipped_key("manifest"));
    EXPECT_TRUE(is_skipped_key("result/manifest"));
    EXPECT_TRUE(is_skipped_key("_SUCCESS"));
    EXPECT_TRUE(is_skipped_key(".hidden.csv"));
    EXPECT_TRUE(is_skipped_key("_tmp/part-9.csv"));  // inside a skipped folder
    EXPECT_TRUE(is_skipped_key("folder/"));          // a "folder" object
    EXPECT_TRUE(is_skipped_key(""));                 // the prefix itself
}

TEST(PostgresSource, FromTableQuotesAndFoldsAsPostgresDoes) {
    EXPECT_EQ(postgres_table_query("Public.Orders"), "SELECT * FROM \"public\".\"orders\"");
    EXPECT_EQ(postgres_table_query("\"My Schema\".\"a\"\"b\""), "SELECT * FROM \"My Schema\".\"a\"\"b\"");
    EXPECT_EQ(postgres_table_query("orders"), "SELECT * FROM \"orders\"");
    EXPECT_FALSE(postgres_table_query("a.b.c"));
    EXPECT_FALSE(postgres_table_query(""));
}
