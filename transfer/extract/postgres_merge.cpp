#include "transfer/extract/postgres_merge.hpp"

#include <algorithm>

namespace shiftsync::transfer::extract {
namespace {

using sql::quote_identifier;

std::string quoted_table(const sql::table_name& t) { return quote_identifier(t.schema) + "." + quote_identifier(t.table); }

constexpr const char* sequence_column = "__shiftsync_seq";

std::string column_list(const rows::schema& columns, const std::string& prefix = {}) {
    std::string out;
    for (std::size_t i = 0; i < columns.size(); ++i) {
        if (i) out += ", ";
        out += prefix + quote_identifier(columns[i].name);
    }
    return out;
}

std::string keys_equal(const std::vector<std::string>& keys, const std::string& a, const std::string& b) {
    std::string out;
    for (std::size_t i = 0; i < keys.size(); ++i) {
        if (i) out += " AND ";
        out += a + "." + quote_identifier(keys[i]) + " = " + b + "." + quote_identifier(keys[i]);
    }
    return out;
}

bool has_column(const rows::schema& columns, const std::string& name) {
    return std::any_of(columns.begin(), columns.end(), [&](const rows::column& c) { return c.name == name; });
}

}  // namespace

std::string check_merge_spec(const postgres_merge_spec& spec) {
    if (spec.keys.empty()) return "upsert needs the key columns (primary_key)";
    for (const auto& k : spec.keys)
        if (!has_column(spec.columns, k)) return "the key column \"" + k + "\" is not among the source's columns";
    if (!spec.order_by.empty() && !has_column(spec.columns, spec.order_by))
        return "the order-by column \"" + spec.order_by + "\" is not among the source's columns";
    return {};
}

std::string delete_all_statement(const sql::table_name& target) { return "DELETE FROM " + quoted_table(target); }

std::vector<std::string> create_stage_statements(const postgres_merge_spec& spec) {
    const std::string stage = quoted_table(postgres_stage_table);
    return {
        "CREATE TEMP TABLE " + quote_identifier(postgres_stage_table.table) + " ON COMMIT DROP AS SELECT " +
            column_list(spec.columns) + " FROM " + quoted_table(spec.target) + " WHERE false",
        "ALTER TABLE " + stage + " ADD COLUMN " + quote_identifier(sequence_column) +
            " bigint GENERATED ALWAYS AS IDENTITY",
    };
}

std::vector<std::string> merge_statements(const postgres_merge_spec& spec) {
    const std::string stage = quoted_table(postgres_stage_table);
    const std::string target = quoted_table(spec.target);
    std::vector<std::string> out;
    if (!spec.order_by.empty()) {
        const std::string ord = quote_identifier(spec.order_by);
        out.push_back("DELETE FROM " + stage + " s USING " + target + " t WHERE " + keys_equal(spec.keys, "s", "t") +
                      " AND t." + ord + " > s." + ord);
    }
    out.push_back("DELETE FROM " + target + " t USING " + stage + " s WHERE " + keys_equal(spec.keys, "t", "s"));
    std::string keys;
    for (std::size_t i = 0; i < spec.keys.size(); ++i) {
        if (i) keys += ", ";
        keys += quote_identifier(spec.keys[i]);
    }
    std::string order = keys;
    if (!spec.order_by.empty()) order += ", " + quote_identifier(spec.order_by) + " DESC NULLS LAST";
    order += ", " + quote_identifier(sequence_column) + " DESC";
    out.push_back("INSERT INTO " + target + " (" + column_list(spec.columns) + ") SELECT DISTINCT ON (" + keys + ") " +
                  column_list(spec.columns) + " FROM " + stage + " ORDER BY " + order);
    return out;
}

}  // namespace shiftsync::transfer::extract
