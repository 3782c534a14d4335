#include "tools/localaws/data_api/result_set.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>

#include "tools/localaws/data_api/redshift_types.hpp"

namespace localaws::data_api {
namespace json = boost::json;
namespace {

// VARBYTE as Redshift prints it: lowercase hex without PostgreSQL's "\x" prefix (bytea_output is
// hex, PostgreSQL's default). Redshift documents that it always prints VARBYTE values as hex
// (r_VARBYTE_type.html); the Data API is a printer like any SQL client, so the value travels as
// stringValue, as GEOMETRY's hex does. (The Field union's blobValue stays unused.)
std::string_view varbyte_text(std::string_view pg_text) {
    if (pg_text.size() >= 2 && pg_text[0] == '\\' && pg_text[1] == 'x') pg_text.remove_prefix(2);
    return pg_text;
}

void csv_value(std::string_view v, std::string& out) {
    if (v.find_first_of(",\"\n\r") == std::string_view::npos) {
        out.append(v);
        return;
    }
    out += '"';
    for (char c : v) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
}

}  // namespace

void result_set::clear_rows() {
    data_.clear();
    ends_.clear();
    nulls_.clear();
    rows_ = 0;
}

std::string_view result_set::value(std::uint64_t row, std::size_t column) const {
    std::size_t i = index(row, column);
    std::uint64_t begin = i == 0 ? 0 : ends_[i - 1];
    return std::string_view(data_).substr(begin, ends_[i] - begin);
}

json::array result_set::column_metadata() const {
    json::array out;
    for (const auto& c : columns_) {
        type_shape s = shape_of(c.type_oid, c.type_modifier);
        out.push_back(json::object{{"isCaseSensitive", s.case_sensitive},
                                   {"isCurrency", false},
                                   {"isSigned", s.is_signed},
                                   {"label", c.name},
                                   {"name", c.name},
                                   {"nullable", c.nullable},
                                   {"precision", s.precision},
                                   {"scale", s.scale},
                                   {"schemaName", c.schema_name},
                                   {"tableName", c.table_name},
                                   {"typeName", c.type_name},
                                   {"length", s.length}});
    }
    return out;
}

json::object result_set::field(std::uint64_t row, std::size_t column) const {
    if (is_null(row, column)) return {{"isNull", true}};
    std::string_view text = value(row, column);
    switch (field_kind_of(columns_[column].type_oid)) {
        case field_kind::boolean: return {{"booleanValue", text == "t"}};
        case field_kind::integer: {
            std::int64_t v = 0;
            std::from_chars(text.data(), text.data() + text.size(), v);
            return {{"longValue", v}};
        }
        case field_kind::floating: {
            double v = std::strtod(std::string(text).c_str(), nullptr);
            if (!std::isfinite(v)) return {{"stringValue", text}};  // JSON has no NaN/Infinity
            return {{"doubleValue", v}};
        }
        case field_kind::varbyte: return {{"stringValue", varbyte_text(text)}};
        case field_kind::text: break;
    }
    return {{"stringValue", text}};
}

std::uint64_t result_set::records(std::uint64_t first_row, std::size_t page_bytes, json::array& out) const {
    std::size_t bytes = 0;
    std::uint64_t row = first_row;
    for (; row < rows_ && (bytes < page_bytes || row == first_row); ++row) {
        json::array fields;
        fields.reserve(columns_.size());
        for (std::size_t c = 0; c < columns_.size(); ++c) {
            fields.push_back(field(row, c));
            bytes += value(row, c).size() + 20;  // about the JSON around a value
        }
        out.push_back(std::move(fields));
    }
    return row;
}

std::uint64_t result_set::csv(std::uint64_t first_row, std::size_t page_bytes, std::string& out) const {
    if (first_row == 0) {
        for (std::size_t c = 0; c < columns_.size(); ++c) {
            if (c) out += ',';
            csv_value(columns_[c].name, out);
        }
        out += '\n';
    }
    std::uint64_t row = first_row;
    for (; row < rows_ && (out.size() < page_bytes || row == first_row); ++row) {
        for (std::size_t c = 0; c < columns_.size(); ++c) {
            if (c) out += ',';
            if (is_null(row, c)) continue;
            std::string_view v = value(row, c);
            csv_value(field_kind_of(columns_[c].type_oid) == field_kind::varbyte ? varbyte_text(v) : v, out);
        }
        out += '\n';
    }
    return row;
}

}  // namespace localaws::data_api
