#include "transfer/extract/postgres_merge.hpp"

#include <gtest/gtest.h>

namespace {

using namespace shiftsync::transfer;
using namespace shiftsync::transfer::extract;

rows::schema columns(std::initializer_list<const char*> names) {
    rows::schema out;
    for (const char* n : names) out.push_back(rows::column{n, "int4", rows::value_kind::integer});
    return out;
}

TEST(PostgresMerge, upsert_keeps_the_newest_row_per_key) {
    postgres_merge_spec spec{{"app", "orders"}, columns({"id", "updated_at", "note"}), {"id"}, "updated_at"};
    EXPECT_EQ(check_merge_spec(spec), "");
    auto merge = merge_statements(spec);
    ASSERT_EQ(merge.size(), 3u);
    EXPECT_EQ(merge[0], "DELETE FROM \"pg_temp\".\"shiftsync_stage\" s USING \"app\".\"orders\" t WHERE s.\"id\" = t.\"id\" "
                        "AND t.\"updated_at\" > s.\"updated_at\"");
    EXPECT_EQ(merge[1], "DELETE FROM \"app\".\"orders\" t USING \"pg_temp\".\"shiftsync_stage\" s WHERE t.\"id\" = s.\"id\"");
    EXPECT_EQ(merge[2], "INSERT INTO \"app\".\"orders\" (\"id\", \"updated_at\", \"note\") SELECT DISTINCT ON (\"id\") "
                        "\"id\", \"updated_at\", \"note\" FROM \"pg_temp\".\"shiftsync_stage\" ORDER BY \"id\", "
                        "\"updated_at\" DESC NULLS LAST, \"__shiftsync_seq\" DESC");
}

TEST(PostgresMerge, without_order_by_the_last_row_to_arrive_wins) {
    postgres_merge_spec spec{{"app", "t"}, columns({"a", "b", "v"}), {"a", "b"}, ""};
    auto merge = merge_statements(spec);
    ASSERT_EQ(merge.size(), 2u);
    EXPECT_NE(merge[0].find("t.\"a\" = s.\"a\" AND t.\"b\" = s.\"b\""), std::string::npos);
    EXPECT_NE(merge[1].find("ORDER BY \"a\", \"b\", \"__shiftsync_seq\" DESC"), std::string::npos);
}

TEST(PostgresMerge, refuses_keys_the_source_lacks) {
    postgres_merge_spec spec{{"app", "t"}, columns({"a"}), {"id"}, ""};
    EXPECT_NE(check_merge_spec(spec).find("\"id\""), std::string::npos);
    spec.keys = {"a"};
    spec.order_by = "ts";
    EXPECT_NE(check_merge_spec(spec).find("\"ts\""), std::string::npos);
    spec.keys.clear();
    spec.order_by.clear();
    EXPECT_NE(check_merge_spec(spec), "");
}

TEST(PostgresMerge, stage_is_shaped_by_the_source_columns) {
    postgres_merge_spec spec{{"app", "weird \"name\""}, columns({"x"}), {"x"}, ""};
    auto create = create_stage_statements(spec);
    ASSERT_EQ(create.size(), 2u);
    EXPECT_EQ(create[0], "CREATE TEMP TABLE \"shiftsync_stage\" ON COMMIT DROP AS SELECT \"x\" FROM \"app\".\"weird \"\"name\"\"\" WHERE false");
    EXPECT_NE(create[1].find("GENERATED ALWAYS AS IDENTITY"), std::string::npos);
}

}  // namespace
