#include "transfer/load/apply_sql.hpp"

#include <algorithm>

namespace shiftsync::transfer::load {

std::string_view to_string(write_mode mode) {
    switch (mode) {
        case write_mode::append: return "append";
        case write_mode::replace: return "replace";
        case write_mode::upsert: return "upsert";
    }
    return "append";
}

namespace {

std::string column_list(const std::vector<std::string>& columns, std::string_view qualifier = {}) {
    std::string out;
    for (const auto& c : columns) {
        if (!out.empty()) out += ", ";
        if (!qualifier.empty()) out += std::string(qualifier) + ".";
        out += quote_identifier(c);
    }
    return out;
}

// "a"."k1" = b."k1" AND …
std::string keys_equal(const std::vector<std::string>& keys, std::string_view a, std::string_view b) {
    std::string out;
    for (const auto& k : keys) {
        if (!out.empty()) out += " AND ";
        out += std::string(a) + "." + quote_identifier(k) + " = " + std::string(b) + "." + quote_identifier(k);
    }
    return out;
}

}  // namespace

std::string create_stage_sql(const apply_spec& spec) {
    return "CREATE TEMP TABLE " + quote_identifier(spec.stage_table) + " AS SELECT " + column_list(spec.columns) +
           ", CAST(NULL AS BIGINT) AS " + quote_identifier(sequence_column) + " FROM " + spec.target.quoted() +
           " WHERE 1 = 0";
}

std::string copy_sql(const apply_spec& spec) {
    std::vector<std::string> staged = spec.columns;
    if (uses_stage(spec)) staged.emplace_back(sequence_column);
    const std::string into = uses_stage(spec) ? quote_identifier(spec.stage_table) : spec.target.quoted();
    std::string sql = "COPY " + into + " (" + column_list(staged) + ") FROM " +
                      quote_literal(spec.manifest_url) + " IAM_ROLE " + quote_literal(spec.copy_role) +
                      " MANIFEST CSV GZIP NULL AS " + quote_literal(spec.null_marker);
    if (spec.max_errors) sql += " MAXERROR " + std::to_string(*spec.max_errors);
    if (spec.truncate_columns) sql += " TRUNCATECOLUMNS";
    return sql;
}

std::string count_loaded_sql(const apply_spec& spec) {
    if (!uses_stage(spec)) return "SELECT pg_last_copy_count()";
    return "SELECT COUNT(*) FROM " + quote_identifier(spec.stage_table);
}

std::string delete_all_sql(const apply_spec& spec) { return "DELETE FROM " + spec.target.quoted(); }

std::vector<merge_step> merge_sql(const apply_spec& spec) {
    const std::string stage = quote_identifier(spec.stage_table);
    const std::string target = spec.target.quoted();
    const std::string insert = "INSERT INTO " + target + " (" + column_list(spec.columns) + ") SELECT " +
                               column_list(spec.columns) + " FROM " + stage;
    using counts = merge_step::counts;
    if (!uses_stage(spec)) return {};
    const std::string seq = quote_identifier(sequence_column);
    std::vector<merge_step> steps;
    // The batch's own duplicates: keep the latest of each key.
    std::string later = "newer." + seq + " > " + stage + "." + seq;
    if (!spec.order_by.empty()) {
        const std::string o = quote_identifier(spec.order_by);
        later = "(newer." + o + " > " + stage + "." + o + " OR (newer." + o + " = " + stage + "." + o + " AND " + later +
                "))";
    }
    steps.push_back({counts::nothing, "DELETE FROM " + stage + " USING " + stage + " AS newer WHERE " +
                                          keys_equal(spec.keys, stage, "newer") + " AND " + later});
    if (!spec.order_by.empty()) {
        const std::string o = quote_identifier(spec.order_by);
        steps.push_back({counts::dropped_from_batch, "DELETE FROM " + stage + " USING " + target + " WHERE " +
                                                         keys_equal(spec.keys, stage, target) + " AND " + target +
                                                         "." + o + " > " + stage + "." + o});
    }
    steps.push_back({counts::updated, "DELETE FROM " + target + " USING " + stage + " WHERE " +
                                          keys_equal(spec.keys, target, stage)});
    steps.push_back({counts::inserted, insert});
    return steps;
}

std::string add_column_sql(const table_name& target, const std::string& column, const std::string& type) {
    return "ALTER TABLE " + target.quoted() + " ADD COLUMN " + quote_identifier(column) + " " + type;
}

std::string widen_column_sql(const table_name& target, const std::string& column, std::uint64_t bytes) {
    return "ALTER TABLE " + target.quoted() + " ALTER COLUMN " + quote_identifier(column) + " TYPE VARCHAR(" +
           std::to_string(widened_length(bytes)) + ")";
}

std::uint64_t widened_length(std::uint64_t bytes) {
    std::uint64_t n = 256;
    while (n < bytes) n *= 2;
    return std::min(n, max_varchar_bytes);
}

std::string create_table_sql(const table_name& target, const std::vector<std::string>& columns,
                             const std::vector<std::string>& types) {
    std::string sql = "CREATE TABLE " + target.quoted() + " (";
    for (std::size_t i = 0; i < columns.size(); ++i) {
        if (i) sql += ", ";
        sql += quote_identifier(columns[i]) + " " + (i < types.size() ? types[i] : std::string("VARCHAR(65535)"));
    }
    return sql + ")";
}

}  // namespace shiftsync::transfer::load
