#include "transfer/sync/destination_state.hpp"

#include <gtest/gtest.h>

namespace {

using namespace shiftsync::transfer::sync;

TEST(StateTable, created_once_with_quoted_schema) {
    auto sql = create_state_table_sql("my \"etl\"");
    ASSERT_EQ(sql.size(), 2u);
    EXPECT_EQ(sql[0], "CREATE SCHEMA IF NOT EXISTS \"my \"\"etl\"\"\"");
    EXPECT_NE(sql[1].find("CREATE TABLE IF NOT EXISTS \"my \"\"etl\"\"\".\"shiftsync_state\""), std::string::npos);
}

TEST(StateTable, written_as_delete_and_insert_with_escaped_values) {
    destination_state s{"orders'", "updated_at", "timestamp", std::string("2026-12-02 10:00:00"), "run-1", 42,
                        "2026-12-02 10:01:00"};
    auto sql = write_state_sql("etl", s, sql_dialect::redshift);
    ASSERT_EQ(sql.size(), 2u);
    EXPECT_EQ(sql[0], "DELETE FROM \"etl\".\"shiftsync_state\" WHERE stream = 'orders'''");
    EXPECT_EQ(sql[1], "INSERT INTO \"etl\".\"shiftsync_state\" (stream, cursor_column, cursor_kind, cursor_value, run_id, "
                      "rows_moved, committed_at) VALUES ('orders''', 'updated_at', 'timestamp', '2026-12-02 10:00:00', "
                      "'run-1', 42, '2026-12-02 10:01:00'::timestamp)");
    s.cursor_value.reset();
    EXPECT_NE(write_state_sql("etl", s, sql_dialect::postgres)[1].find("'timestamp', NULL, "), std::string::npos);
}

TEST(StateTable, backslashes_follow_the_dialect) {
    EXPECT_EQ(read_state_sql("etl", "a\\b", sql_dialect::redshift),
              "SELECT cursor_column, cursor_kind, cursor_value, run_id FROM \"etl\".\"shiftsync_state\" WHERE stream = 'a\\\\b'");
    EXPECT_EQ(read_state_sql("etl", "a\\b", sql_dialect::postgres),
              "SELECT cursor_column, cursor_kind, cursor_value, run_id FROM \"etl\".\"shiftsync_state\" WHERE stream = 'a\\b'");
}

}  // namespace

#include "transfer/sync/source_query.hpp"

namespace {

using shiftsync::transfer::rows::value_kind;

TEST(SourceQuery, table_with_columns_where_and_cursor) {
    source_query_spec spec;
    spec.table = "app.Orders";
    spec.columns = {"id", "updated_at"};
    spec.where = "status = 'open' OR status = 'held'";
    spec.cursor = "updated_at";
    spec.lower_bound = "2026-12-02 10:00:00";
    spec.cursor_kind = value_kind::timestamp;
    std::string why;
    EXPECT_EQ(build_source_query(spec, why),
              "SELECT \"id\", \"updated_at\" FROM \"app\".\"Orders\" WHERE (status = 'open' OR status = 'held') AND "
              "\"updated_at\" >= '2026-12-02 10:00:00'::timestamp");
    spec.dialect = sql_dialect::postgres;
    EXPECT_EQ(build_source_query(spec, why).substr(0, 46), "SELECT \"id\", \"updated_at\" FROM \"app\".\"orders\" ");
}

TEST(SourceQuery, sql_becomes_a_subquery_and_first_run_has_no_bound) {
    source_query_spec spec;
    spec.sql = "select * from t where a > 1;\n";
    spec.cursor = "id";
    std::string why;
    EXPECT_EQ(build_source_query(spec, why), "SELECT * FROM (select * from t where a > 1) AS \"shiftsync_source\"");
    spec.lower_bound = "41";
    spec.cursor_kind = value_kind::integer;
    EXPECT_EQ(build_source_query(spec, why),
              "SELECT * FROM (select * from t where a > 1) AS \"shiftsync_source\" WHERE \"id\" >= 41");
}

TEST(SourceQuery, refuses_what_is_not_a_table) {
    source_query_spec spec;
    spec.table = "a.b.c";
    std::string why;
    EXPECT_EQ(build_source_query(spec, why), "");
    EXPECT_NE(why.find("a.b.c"), std::string::npos);
    spec.table.clear();
    spec.sql = " ;; ";
    EXPECT_EQ(build_source_query(spec, why), "");
}

TEST(SourceQuery, kind_names_round_trip) {
    for (auto k : {value_kind::integer, value_kind::timestamptz, value_kind::date, value_kind::text})
        EXPECT_EQ(kind_from_name(shiftsync::transfer::rows::to_string(k)), k);
    EXPECT_FALSE(kind_from_name("bogus"));
}

}  // namespace
