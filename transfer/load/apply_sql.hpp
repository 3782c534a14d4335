#pragma once
// The SQL a load runs in its one transaction, built from names and values (sans-IO, unit-tested).
// Identifiers are always quoted ("" inside), literals always escaped (' and \ doubled, Redshift's
// rules), so a column named `"; drop table x; --` is a column of that name.
//
//   BEGIN
//   [CREATE TABLE "s"."t" (…)]                                  -- --create-table, when missing
//   append, replace:
//     [DELETE FROM "s"."t"]                                     -- replace (DELETE, not TRUNCATE, which would
//                                                               -- commit in Redshift; grants and identity stay)
//     COPY "s"."t" (<cols>) FROM '<manifest>' IAM_ROLE '<role>' MANIFEST CSV GZIP NULL AS '<marker>' [MAXERROR n]
//     SELECT pg_last_copy_count()                               -- must equal the rows staged
//   upsert:
//     CREATE TEMP TABLE "stage" AS SELECT <cols>, NULL::BIGINT AS "__shiftsync_seq" FROM "s"."t" WHERE 1 = 0
//     COPY "stage" (<cols>, "__shiftsync_seq") FROM … (the same options)
//     SELECT COUNT(*) FROM "stage"                              -- must equal the rows staged
//     <the merge statements>
//   COMMIT                                                      -- only after every check passed
//
// Append and replace COPY straight into the target inside the transaction: a temp table would write
// every row twice, and the transaction already makes the load all or nothing.
//
// Upsert:   dedupe the batch by key: a row is dropped when another with the same key is later
//            (a greater --order-by value, ties and no --order-by: later in source order, by
//            __shiftsync_seq); with --order-by, drop batch rows whose target row is newer (a late
//            batch never moves a row back in time; ties go to the batch); DELETE the target's rows
//            the batch replaces (DELETE … USING); INSERT. DELETE + INSERT rather than MERGE: it runs
//            unchanged on every Redshift and on localaws's PostgreSQL, and gives the counts.
//            Keys compare with =, so rows whose key has a NULL never match each other.

#include "transfer/sql/sql_text.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace shiftsync::transfer::load {

enum class write_mode { append, replace, upsert };
std::string_view to_string(write_mode mode);

using sql::quote_identifier;
using sql::quote_literal;
using sql::table_name;

inline constexpr std::string_view sequence_column = "__shiftsync_seq";

struct apply_spec {
    table_name target;
    std::string stage_table;           // unquoted
    std::vector<std::string> columns;  // the source's, in staged order
    write_mode mode = write_mode::append;
    std::vector<std::string> keys;     // upsert
    std::string order_by;              // upsert, optional
    std::string manifest_url;
    std::string copy_role;
    std::string null_marker;
    std::optional<std::uint64_t> max_errors;
    bool truncate_columns = false;
};

// True when rows go through the temp table (upsert): its staged files carry __shiftsync_seq.
inline bool uses_stage(const apply_spec& spec) { return spec.mode == write_mode::upsert; }

std::string create_stage_sql(const apply_spec& spec);
std::string copy_sql(const apply_spec& spec);
std::string count_loaded_sql(const apply_spec& spec);
std::string delete_all_sql(const apply_spec& spec);  // replace

// Upsert's statements after the COPY, each with what its affected-row count means for the summary.
struct merge_step {
    enum class counts { nothing, deleted, inserted, updated, dropped_from_batch } meaning = counts::nothing;
    std::string sql;
};
std::vector<merge_step> merge_sql(const apply_spec& spec);

// ALTER TABLE statements of --add-columns and VARCHAR widening (run before the transaction).
std::string add_column_sql(const table_name& target, const std::string& column, const std::string& type);
std::string widen_column_sql(const table_name& target, const std::string& column, std::uint64_t bytes);
// The VARCHAR length a value of `bytes` bytes gets: the next power of two, at least 256, at most 65,535.
std::uint64_t widened_length(std::uint64_t bytes);
inline constexpr std::uint64_t max_varchar_bytes = 65535;

// CREATE TABLE for --create-table: `types` in column order (Redshift DDL types).
std::string create_table_sql(const table_name& target, const std::vector<std::string>& columns,
                             const std::vector<std::string>& types);

}  // namespace shiftsync::transfer::load
