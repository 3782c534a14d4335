#pragma once
// The destination's own record of each stream's cursor (sans-IO SQL). Where the destination is a
// database (Redshift, PostgreSQL) the cursor is written in the same transaction as the rows, so
// the two move together or not at all: after a crash the destination says where the stream is,
// and the local state (state_store) is only a cache of it.
//
//   "<schema>"."shiftsync_state"
//     stream         VARCHAR(256)    the stream's name (one row per stream)
//     cursor_column  VARCHAR(256)    the column the cursor follows ("" for full refresh)
//     cursor_kind    VARCHAR(32)     its kind (rows::to_string: "timestamp", "integer", …): how to compare it
//     cursor_value   VARCHAR(65535)  canonical text of the greatest value committed (NULL: none yet)
//     run_id         VARCHAR(64)     the run that committed it
//     rows_moved     BIGINT          rows that run wrote
//     committed_at   TIMESTAMP       when (UTC, the worker's clock)
//
// Written as DELETE + INSERT of the stream's row: the same SQL on Redshift and PostgreSQL.

#include "transfer/sync/cursor.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace shiftsync::transfer::sync {

inline constexpr std::string_view state_table_name = "shiftsync_state";

struct destination_state {
    std::string stream;
    std::string cursor_column;
    std::string cursor_kind;
    std::optional<std::string> cursor_value;
    std::string run_id;
    std::uint64_t rows_moved = 0;
    std::string committed_at;  // "YYYY-MM-DD HH:MM:SS"
};

// CREATE SCHEMA IF NOT EXISTS, CREATE TABLE IF NOT EXISTS: run once per destination before its
// streams start (outside their transactions).
std::vector<std::string> create_state_table_sql(const std::string& schema);
// SELECT cursor_column, cursor_kind, cursor_value, run_id FROM … WHERE stream = '…'
std::string read_state_sql(const std::string& schema, const std::string& stream, sql_dialect dialect);
// The stream's row replaced, for the end of the load's transaction.
std::vector<std::string> write_state_sql(const std::string& schema, const destination_state& state, sql_dialect dialect);

}  // namespace shiftsync::transfer::sync
