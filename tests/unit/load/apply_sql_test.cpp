#include "transfer/load/apply_sql.hpp"

#include <gtest/gtest.h>

using namespace shiftsync::transfer::load;

namespace {
apply_spec spec_for(write_mode mode) {
    apply_spec s;
    s.target = {"public", "orders"};
    s.stage_table = "shiftsync_stage_x";
    s.columns = {"id", "name"};
    s.mode = mode;
    s.manifest_url = "s3://b/p/run/data/manifest";
    s.copy_role = "arn:aws:iam::1:role/r";
    s.null_marker = "__n__";
    return s;
}
}  // namespace

TEST(ApplySql, IdentifiersAndLiteralsAreAlwaysQuoted) {
    EXPECT_EQ(quote_identifier("\"; drop table x; --"), "\"\"\"; drop table x; --\"");
    EXPECT_EQ(quote_literal("it's a\\b"), "'it''s a\\\\b'");
    table_name t{"my schema", "Weird\"Name"};
    EXPECT_EQ(t.quoted(), "\"my schema\".\"Weird\"\"Name\"");
    auto s = spec_for(write_mode::append);
    s.columns = {"\"; drop table x; --"};
    EXPECT_EQ(copy_sql(s), "COPY \"public\".\"orders\" (\"\"\"; drop table x; --\") FROM 's3://b/p/run/data/manifest' "
                           "IAM_ROLE 'arn:aws:iam::1:role/r' MANIFEST CSV GZIP NULL AS '__n__'");
}

TEST(ApplySql, AppendAndReplaceCopyStraightIntoTheTarget) {
    auto s = spec_for(write_mode::append);
    EXPECT_FALSE(uses_stage(s));
    EXPECT_EQ(count_loaded_sql(s), "SELECT pg_last_copy_count()");
    EXPECT_TRUE(merge_sql(s).empty());
    s.max_errors = 3;
    EXPECT_NE(copy_sql(s).find(" MAXERROR 3"), std::string::npos);
    s.mode = write_mode::replace;
    EXPECT_EQ(delete_all_sql(s), "DELETE FROM \"public\".\"orders\"");
}

TEST(ApplySql, UpsertStagesWithSequenceThenDedupesDeletesInserts) {
    auto s = spec_for(write_mode::upsert);
    s.keys = {"id"};
    s.order_by = "updated_at";
    EXPECT_TRUE(uses_stage(s));
    EXPECT_EQ(create_stage_sql(s), "CREATE TEMP TABLE \"shiftsync_stage_x\" AS SELECT \"id\", \"name\", CAST(NULL AS "
                                   "BIGINT) AS \"__shiftsync_seq\" FROM \"public\".\"orders\" WHERE 1 = 0");
    EXPECT_NE(copy_sql(s).find("COPY \"shiftsync_stage_x\" (\"id\", \"name\", \"__shiftsync_seq\")"), std::string::npos);
    EXPECT_EQ(count_loaded_sql(s), "SELECT COUNT(*) FROM \"shiftsync_stage_x\"");
    auto steps = merge_sql(s);
    ASSERT_EQ(steps.size(), 4u);
    EXPECT_EQ(steps[0].sql,
              "DELETE FROM \"shiftsync_stage_x\" USING \"shiftsync_stage_x\" AS newer WHERE \"shiftsync_stage_x\".\"id\" = "
              "newer.\"id\" AND (newer.\"updated_at\" > \"shiftsync_stage_x\".\"updated_at\" OR (newer.\"updated_at\" = "
              "\"shiftsync_stage_x\".\"updated_at\" AND newer.\"__shiftsync_seq\" > \"shiftsync_stage_x\".\"__shiftsync_seq\"))");
    EXPECT_EQ(steps[1].sql, "DELETE FROM \"shiftsync_stage_x\" USING \"public\".\"orders\" WHERE \"shiftsync_stage_x\".\"id\" = "
                            "\"public\".\"orders\".\"id\" AND \"public\".\"orders\".\"updated_at\" > "
                            "\"shiftsync_stage_x\".\"updated_at\"");
    EXPECT_EQ(steps[2].meaning, merge_step::counts::updated);
    EXPECT_EQ(steps[3].meaning, merge_step::counts::inserted);
    s.order_by.clear();
    EXPECT_EQ(merge_sql(s).size(), 3u) << "without --order-by the batch always wins";
}

TEST(ApplySql, CreateTable) {
    EXPECT_EQ(create_table_sql({"", "t"}, {"a", "b"}, {"BIGINT"}), "CREATE TABLE \"t\" (\"a\" BIGINT, \"b\" VARCHAR(65535))");
}
