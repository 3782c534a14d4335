#include "transfer/sync/source_query.hpp"

#include "transfer/sql/sql_text.hpp"

namespace shiftsync::transfer::sync {

std::string build_source_query(const source_query_spec& spec, std::string& why) {
    std::string projection = "*";
    if (!spec.columns.empty()) {
        projection.clear();
        for (std::size_t i = 0; i < spec.columns.size(); ++i) {
            if (i) projection += ", ";
            projection += sql::quote_identifier(spec.columns[i]);
        }
    }
    std::string from;
    if (!spec.table.empty()) {
        auto unquoted = spec.dialect == sql_dialect::postgres ? sql::unquoted_names::folded : sql::unquoted_names::kept;
        auto name = sql::parse_table_name(spec.table, unquoted);
        if (!name) {
            why = "'" + spec.table + "' is not a table name (SCHEMA.TABLE or TABLE)";
            return {};
        }
        from = name->quoted();
    } else {
        std::string body = spec.sql;
        while (!body.empty() && (body.back() == ';' || body.back() == ' ' || body.back() == '\n' ||
                                 body.back() == '\t' || body.back() == '\r'))
            body.pop_back();
        if (body.empty()) {
            why = "the stream's sql is empty";
            return {};
        }
        from = "(" + body + ") AS \"shiftsync_source\"";
    }
    std::string out = "SELECT " + projection + " FROM " + from;
    std::string condition;
    if (!spec.where.empty()) condition = "(" + spec.where + ")";
    if (!spec.cursor.empty() && spec.lower_bound) {
        if (!condition.empty()) condition += " AND ";
        condition += sql::quote_identifier(spec.cursor) + " >= " +
                     cursor_literal(spec.cursor_kind, *spec.lower_bound, spec.dialect);
    }
    if (!condition.empty()) out += " WHERE " + condition;
    return out;
}

std::optional<rows::value_kind> kind_from_name(std::string_view name) {
    using rows::value_kind;
    for (auto k : {value_kind::integer, value_kind::decimal, value_kind::real4, value_kind::real8, value_kind::boolean,
                   value_kind::text, value_kind::date, value_kind::time, value_kind::timetz, value_kind::timestamp,
                   value_kind::timestamptz, value_kind::super, value_kind::varbyte})
        if (rows::to_string(k) == name) return k;
    return std::nullopt;
}

}  // namespace shiftsync::transfer::sync
