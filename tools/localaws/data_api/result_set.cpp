#include "tools/localaws/data_api/result_set.hpp"

#include <boost/json/object.hpp>

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <optional>

#include "tools/localaws/data_api/json_text.hpp"
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

// A float4/float8 as PostgreSQL printed it ("0.1", "-1.5e-310", "NaN", "-Infinity"); nullopt when it
// is not a finite double. from_chars reads like strtod without a copy to NUL-terminate the text.
std::optional<double> finite_double(std::string_view text) {
    double v = 0;
    // Whatever from_chars refuses (a leading '+' or space, a value out of range) gets strtod's
    // answer, as every float did before.
    if (std::from_chars(text.data(), text.data() + text.size(), v).ec != std::errc{})
        v = std::strtod(std::string(text).c_str(), nullptr);
    if (!std::isfinite(v)) return std::nullopt;
    return v;
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

void result_set::write_field(std::uint64_t row, std::size_t column, std::string& out) const {
    namespace jt = json_text;
    if (is_null(row, column)) {
        out += R"({"isNull":true})";
        return;
    }
    std::string_view text = value(row, column);
    switch (field_kind_of(columns_[column].type_oid)) {
        case field_kind::boolean:
            out += text == "t" ? R"({"booleanValue":true})" : R"({"booleanValue":false})";
            return;
        case field_kind::integer: {
            std::int64_t v = 0;  // stays 0 if PostgreSQL's text does not parse, as it always did
            std::from_chars(text.data(), text.data() + text.size(), v);
            out += R"({"longValue":)";
            jt::append_int(out, v);
            out += '}';
            return;
        }
        case field_kind::floating:
            if (auto v = finite_double(text)) {
                out += R"({"doubleValue":)";
                jt::append_double(out, *v);
                out += '}';
                return;
            }
            break;  // JSON has no NaN/Infinity: PostgreSQL's text as a string
        case field_kind::varbyte: text = varbyte_text(text); break;
        case field_kind::text: break;
    }
    out += R"({"stringValue":)";
    jt::append_string(out, text);
    out += '}';
}

std::uint64_t result_set::write_records(std::uint64_t first_row, std::size_t page_bytes, std::string& out) const {
    std::size_t bytes = 0;  // counted as when pages were boost::json values, so page ends stay put
    std::uint64_t row = first_row;
    out += '[';
    for (; row < rows_ && (bytes < page_bytes || row == first_row); ++row) {
        if (row != first_row) out += ',';
        out += '[';
        for (std::size_t c = 0; c < columns_.size(); ++c) {
            if (c) out += ',';
            write_field(row, c, out);
            bytes += value(row, c).size() + 20;  // about the JSON around a value
        }
        out += ']';
    }
    out += ']';
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
