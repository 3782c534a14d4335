#include "transfer/sync/state_table.hpp"

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
    destination_state s{"orders'", "updated_at", std::string("2026-12-02 10:00:00"), "run-1", 42, "2026-12-02 10:01:00"};
    auto sql = write_state_sql("etl", s, sql_dialect::redshift);
    ASSERT_EQ(sql.size(), 2u);
    EXPECT_EQ(sql[0], "DELETE FROM \"etl\".\"shiftsync_state\" WHERE stream = 'orders'''");
    EXPECT_EQ(sql[1], "INSERT INTO \"etl\".\"shiftsync_state\" (stream, cursor_column, cursor_value, run_id, rows_moved, "
                      "committed_at) VALUES ('orders''', 'updated_at', '2026-12-02 10:00:00', 'run-1', 42, "
                      "'2026-12-02 10:01:00'::timestamp)");
    s.cursor_value.reset();
    EXPECT_NE(write_state_sql("etl", s, sql_dialect::postgres)[1].find(", NULL, "), std::string::npos);
}

TEST(StateTable, backslashes_follow_the_dialect) {
    EXPECT_EQ(read_state_sql("etl", "a\\b", sql_dialect::redshift),
              "SELECT cursor_column, cursor_value, run_id FROM \"etl\".\"shiftsync_state\" WHERE stream = 'a\\\\b'");
    EXPECT_EQ(read_state_sql("etl", "a\\b", sql_dialect::postgres),
              "SELECT cursor_column, cursor_value, run_id FROM \"etl\".\"shiftsync_state\" WHERE stream = 'a\\b'");
}

}  // namespace
