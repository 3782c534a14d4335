#include "transfer/extract/data_api_rows.hpp"

#include "transfer/rows/value_text.hpp"

#include <variant>

namespace shiftsync::transfer::extract {

namespace rd = aws::redshift_data;

rows::schema schema_of(const std::vector<rd::column_metadata>& columns) {
    rows::schema out;
    out.reserve(columns.size());
    for (const auto& c : columns) {
        rows::column col;
        col.name = c.label.empty() ? c.name : c.label;
        col.type_name = c.type_name;
        col.kind = rows::kind_of_type(c.type_name);
        col.precision = c.precision;
        col.scale = c.scale;
        col.nullable = c.nullable;
        out.push_back(std::move(col));
    }
    return out;
}

namespace {

bool append_field(const rows::column& column, const rd::field& value, rows::row_batch& batch) {
    std::string& text = batch.text();
    bool ok = std::visit(
        [&](const auto& v) -> bool {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, rd::null_value>) {
                return true;
            } else if constexpr (std::is_same_v<T, bool>) {
                text += v ? "true" : "false";
                return true;
            } else if constexpr (std::is_same_v<T, std::int64_t>) {
                if (column.kind == rows::value_kind::boolean) {
                    text += v ? "true" : "false";
                    return true;
                }
                rows::append_integer(v, text);
                return true;
            } else if constexpr (std::is_same_v<T, double>) {
                rows::append_real(column.kind, v, text);
                return true;
            } else if constexpr (std::is_same_v<T, std::string>) {
                return rows::append_canonical(column.kind, v, text);
            } else {
                rows::append_hex(v.bytes, text);
                return true;
            }
        },
        value);
    if (!ok) return false;
    if (std::holds_alternative<rd::null_value>(value)) batch.end_null();
    else batch.end_value();
    return true;
}

}  // namespace

bool append_page(const rows::schema& columns, const rd::result_page& page, rows::row_batch& batch, std::string& why) {
    for (const auto& row : page.rows) {
        if (row.size() != columns.size()) {
            why = "a result row has " + std::to_string(row.size()) + " fields where " + std::to_string(columns.size()) +
                  " columns were described";
            return false;
        }
        std::size_t complete = batch.rows();
        for (std::size_t c = 0; c < row.size(); ++c) {
            if (!append_field(columns[c], row[c], batch)) {
                batch.drop_values_after(complete);
                why = "column \"" + columns[c].name + "\" (" + columns[c].type_name + ") holds a value that is not a " +
                      std::string(rows::to_string(columns[c].kind));
                return false;
            }
        }
    }
    return true;
}

}  // namespace shiftsync::transfer::extract
