#include "transfer/postgres/postgres_copy.hpp"

#include "transfer/postgres/postgres_types.hpp"

#include <cstring>
#include <vector>

namespace shiftsync::transfer::postgres {

std::optional<qualified_name> parse_qualified_name(std::string_view text) {
    return sql::parse_table_name(text, sql::unquoted_names::folded);
}

std::string quoted(const qualified_name& name) {
    return quote_identifier(name.schema) + "." + quote_identifier(name.table);
}

std::string create_table_statement(const qualified_name& name, const rows::schema& columns) {
    std::string sql = "CREATE TABLE " + quoted(name) + " (";
    for (std::size_t i = 0; i < columns.size(); ++i) {
        if (i) sql += ", ";
        sql += quote_identifier(columns[i].name) + " " + postgres_type_for(columns[i]);
    }
    return sql + ")";
}

std::string copy_statement(const qualified_name& name, const rows::schema& columns) {
    std::string sql = "COPY " + quoted(name) + " (";
    for (std::size_t i = 0; i < columns.size(); ++i) {
        if (i) sql += ", ";
        sql += quote_identifier(columns[i].name);
    }
    return sql + ") FROM STDIN WITH (FORMAT csv, DELIMITER ',', QUOTE '\"', NULL '')";
}

void encode_copy_rows(const rows::schema& columns, const rows::row_batch& batch, std::string& out) {
    const std::size_t n = columns.size();
    for (std::size_t r = 0; r < batch.rows(); ++r) {
        for (std::size_t c = 0; c < n; ++c) {
            if (c) out += ',';
            if (batch.is_null(r, c)) continue;
            std::string_view v = batch.value(r, c);
            out += '"';
            if (columns[c].kind == rows::value_kind::varbyte) out += "\\x";
            // Copy runs between quotes at once; only a quote needs doubling in CSV.
            while (!v.empty()) {
                auto q = v.find('"');
                if (q == std::string_view::npos) {
                    out.append(v);
                    break;
                }
                out.append(v.substr(0, q + 1));
                out += '"';
                v.remove_prefix(q + 1);
            }
            out += '"';
        }
        out += '\n';
    }
}

}  // namespace shiftsync::transfer::postgres
