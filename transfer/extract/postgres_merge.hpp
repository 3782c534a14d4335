#pragma once
// The PostgreSQL sink's write modes as SQL (sans-IO, unit-tested): what runs in the sink's one
// transaction besides the COPY.
//
//   append   COPY straight into the table.
//   replace  DELETE FROM the table, then COPY into it: at COMMIT it holds exactly the new rows
//            (DELETE, not TRUNCATE: no ACCESS EXCLUSIVE lock, readers go on seeing the old rows
//            until COMMIT; grants, defaults and indexes stay).
//   upsert   COPY into a temp table "pg_temp"."shiftsync_stage" (the source's columns plus an
//            identity column that numbers rows in arrival order), then
//              [DELETE stage rows whose target row is newer (order_by; ties go to the batch)]
//              DELETE FROM target USING stage WHERE the keys are equal
//              INSERT INTO target SELECT DISTINCT ON (keys) … ORDER BY keys, [order_by DESC,] seq DESC
//            so one row per key survives: the newest by order_by, then the latest to arrive.
//            Keys compare with =, as in Redshift's upsert (load/apply_sql.hpp): NULL keys never match.

#include "transfer/rows/column.hpp"
#include "transfer/sql/sql_text.hpp"

#include <string>
#include <vector>

namespace shiftsync::transfer::extract {

enum class postgres_write { append, replace, upsert };

struct postgres_merge_spec {
    sql::table_name target;  // schema known
    rows::schema columns;    // the source's
    std::vector<std::string> keys;
    std::string order_by;
};

inline const sql::table_name postgres_stage_table{"pg_temp", "shiftsync_stage"};

// "" when the spec can be merged, else why not (a key or order_by column the source lacks).
std::string check_merge_spec(const postgres_merge_spec& spec);
std::string delete_all_statement(const sql::table_name& target);
// CREATE TEMP TABLE … ON COMMIT DROP shaped like the source's columns of the target, with the
// arrival-order identity column.
std::vector<std::string> create_stage_statements(const postgres_merge_spec& spec);
std::vector<std::string> merge_statements(const postgres_merge_spec& spec);

}  // namespace shiftsync::transfer::extract
