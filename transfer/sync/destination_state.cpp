#include "transfer/sync/destination_state.hpp"

#include "transfer/sql/sql_text.hpp"

namespace shiftsync::transfer::sync {
namespace {

std::string qualified(const std::string& schema) {
    return sql::quote_identifier(schema) + "." + sql::quote_identifier(state_table_name);
}

}  // namespace

std::vector<std::string> create_state_table_sql(const std::string& schema) {
    return {
        "CREATE SCHEMA IF NOT EXISTS " + sql::quote_identifier(schema),
        "CREATE TABLE IF NOT EXISTS " + qualified(schema) +
            " (stream VARCHAR(256) NOT NULL, cursor_column VARCHAR(256), cursor_kind VARCHAR(32), "
            "cursor_value VARCHAR(65535), run_id VARCHAR(64), rows_moved BIGINT, committed_at TIMESTAMP)",
    };
}

std::string read_state_sql(const std::string& schema, const std::string& stream, sql_dialect dialect) {
    return "SELECT cursor_column, cursor_kind, cursor_value, run_id FROM " + qualified(schema) +
           " WHERE stream = " + string_literal(stream, dialect);
}

std::vector<std::string> write_state_sql(const std::string& schema, const destination_state& state, sql_dialect dialect) {
    auto lit = [dialect](std::string_view v) { return string_literal(v, dialect); };
    std::string value = state.cursor_value ? lit(*state.cursor_value) : "NULL";
    return {
        "DELETE FROM " + qualified(schema) + " WHERE stream = " + lit(state.stream),
        "INSERT INTO " + qualified(schema) +
            " (stream, cursor_column, cursor_kind, cursor_value, run_id, rows_moved, committed_at) VALUES (" +
            lit(state.stream) + ", " + lit(state.cursor_column) + ", " + lit(state.cursor_kind) + ", " + value + ", " +
            lit(state.run_id) + ", " + std::to_string(state.rows_moved) + ", " + lit(state.committed_at) + "::timestamp)",
    };
}

}  // namespace shiftsync::transfer::sync
