#include "transfer/extract/unload_statement.hpp"

#include <gtest/gtest.h>

using namespace shiftsync::transfer::extract;

TEST(UnloadStatement, QuotesAndBackslashesAreDoubledInsideTheLiteral) {
    EXPECT_EQ(escape_literal("select 'it''s', 'a\\b'"), "select ''it''''s'', ''a\\\\b''");
    unload_spec spec{"select * from t where s = 'x';  ", "s3://b/p/run/result/", "arn:aws:iam::1:role/r", "__n__", true, 0};
    EXPECT_EQ(unload_sql(spec),
              "UNLOAD ('select * from t where s = ''x''') TO 's3://b/p/run/result/' IAM_ROLE 'arn:aws:iam::1:role/r' "
              "FORMAT CSV GZIP MANIFEST VERBOSE ALLOWOVERWRITE NULL AS '__n__' PARALLEL ON");
    spec.parallel = false;
    spec.max_file_size_mb = 64;
    EXPECT_NE(unload_sql(spec).find("PARALLEL OFF MAXFILESIZE 64 MB"), std::string::npos);
}

TEST(UnloadStatement, OnlyAnOutermostOrderByKeepsOrder) {
    EXPECT_TRUE(has_outer_order_by("select a from t order by a"));
    EXPECT_TRUE(has_outer_order_by("SELECT a FROM t ORDER\n BY a DESC;"));
    EXPECT_FALSE(has_outer_order_by("select a from (select a from t order by a) q"));
    EXPECT_FALSE(has_outer_order_by("select 'order by' from t"));
    EXPECT_FALSE(has_outer_order_by("select \"order by\" from t -- order by a"));
    EXPECT_FALSE(has_outer_order_by("select a from t /* order by a */"));
    EXPECT_FALSE(has_outer_order_by("select a from t where x = 'it''s order by'"));
    EXPECT_FALSE(has_outer_order_by("select border, bypass from t"));
    EXPECT_TRUE(has_outer_order_by("select a from t union select b from u order by 1"));
}

TEST(UnloadStatement, ColumnsOnlyAndNullMarker) {
    EXPECT_EQ(columns_only_sql("select 1 as x;"), "SELECT * FROM (select 1 as x) AS shiftsync_columns LIMIT 0");
    EXPECT_EQ(null_marker_for("20261202T143324Z-9f86d081884c7d65"), "__shiftsync_null_20261202T143324Z9f86d081884c7d65__");
}
