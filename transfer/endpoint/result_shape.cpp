#include "transfer/endpoint/result_shape.hpp"

#include "transfer/endpoint/catalog_shape.hpp"
#include "transfer/endpoint/type_oids.hpp"

#include <charconv>
#include <cstdlib>
#include <map>

namespace shiftsync::transfer::endpoint {

namespace rd = aws::redshift_data;

namespace {

enum class field_type { boolean, integer, floating, varbyte, text };

struct type_info {
    const char* name;
    field_type field;
};

type_info info_of(std::uint32_t type) {
    switch (type) {
        case oid::boolean: return {"bool", field_type::boolean};
        case oid::int2: return {"int2", field_type::integer};
        case oid::int4: return {"int4", field_type::integer};
        case oid::int8: return {"int8", field_type::integer};
        case oid::oid_: return {"oid", field_type::integer};
        case oid::float4: return {"float4", field_type::floating};
        case oid::float8: return {"float8", field_type::floating};
        case oid::bytea:
        case oid::varbyte: return {"varbyte", field_type::varbyte};
        case oid::json:
        case oid::jsonb:
        case oid::super: return {"super", field_type::text};
        case oid::char_: return {"char", field_type::text};
        case oid::name: return {"name", field_type::text};
        case oid::text:
        case oid::varchar: return {"varchar", field_type::text};
        case oid::bpchar: return {"bpchar", field_type::text};
        case oid::date: return {"date", field_type::text};
        case oid::time: return {"time", field_type::text};
        case oid::timetz: return {"timetz", field_type::text};
        case oid::timestamp: return {"timestamp", field_type::text};
        case oid::timestamptz: return {"timestamptz", field_type::text};
        case oid::interval: return {"interval", field_type::text};
        case oid::numeric: return {"numeric", field_type::text};
        default: return {"", field_type::text};
    }
}

}  // namespace

std::vector<rd::column_metadata> column_metadata_of(const std::vector<engine::pg::column>& columns) {
    std::vector<rd::column_metadata> out;
    out.reserve(columns.size());
    for (const auto& column : columns) {
        rd::column_metadata c;
        c.name = c.label = column.name;
        c.type_name = info_of(column.type_oid).name;
        if (c.type_name.empty()) c.type_name = "oid " + std::to_string(column.type_oid);
        shape_of_column(column.type_oid, column.type_modifier, c);  // as DescribeTable reports it
        out.push_back(std::move(c));
    }
    return out;
}

namespace {

field_type field_type_of(const rd::column_metadata& column) {
    const std::string& t = column.type_name;
    if (t == "bool") return field_type::boolean;
    if (t == "int2" || t == "int4" || t == "int8" || t == "oid") return field_type::integer;
    if (t == "float4" || t == "float8") return field_type::floating;
    if (t == "varbyte") return field_type::varbyte;
    return field_type::text;
}

bool typed_field(field_type type, const rd::column_metadata& column, const std::optional<std::string>& text,
                 rd::field& out, std::string& why) {
    if (!text) {
        out = rd::null_value{};
        return true;
    }
    const std::string& v = *text;
    switch (type) {
        case field_type::boolean:
            if (v != "t" && v != "f" && v != "true" && v != "false") break;
            out = v.front() == 't';
            return true;
        case field_type::integer: {
            std::int64_t n = 0;
            auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
            if (ec != std::errc{} || end != v.data() + v.size()) break;
            out = n;
            return true;
        }
        case field_type::floating: {
            // strtod reads "NaN", "Infinity" and "-Infinity" as PostgreSQL prints them.
            char* end = nullptr;
            double d = std::strtod(v.c_str(), &end);
            if (v.empty() || end != v.c_str() + v.size()) break;
            out = d;
            return true;
        }
        case field_type::varbyte:
            // PostgreSQL's bytea prints "\x0a1b"; Redshift's VARBYTE prints "0a1b".
            out = v.starts_with("\\x") ? v.substr(2) : v;
            return true;
        case field_type::text:
            out = v;
            return true;
    }
    why = "column \"" + column.name + "\" (" + column.type_name + ") holds \"" + v.substr(0, 40) +
          "\", which is not a value of its type";
    return false;
}

}  // namespace

bool field_of(const rd::column_metadata& column, const std::optional<std::string>& text, rd::field& out,
              std::string& why) {
    return typed_field(field_type_of(column), column, text, out, why);
}

row_shaper::row_shaper(std::vector<rd::column_metadata> columns) : columns_(std::move(columns)) {
    types_.reserve(columns_.size());
    for (const auto& c : columns_) types_.push_back(static_cast<int>(field_type_of(c)));
}

bool row_shaper::convert(const engine::pg::row& in, rd::row& out, std::string& why) const {
    if (in.size() != columns_.size()) {
        why = "a row has " + std::to_string(in.size()) + " values where the result has " +
              std::to_string(columns_.size()) + " columns";
        return false;
    }
    out.resize(in.size());
    for (std::size_t i = 0; i < in.size(); ++i)
        if (!typed_field(static_cast<field_type>(types_[i]), columns_[i], in[i], out[i], why)) return false;
    return true;
}

bool append_rows(const std::vector<rd::column_metadata>& columns, const std::vector<engine::pg::row>& rows,
                 std::vector<rd::row>& out, std::string& why) {
    const row_shaper shaper(columns);
    out.reserve(out.size() + rows.size());
    for (const auto& r : rows) {
        rd::row converted;
        if (!shaper.convert(r, converted, why)) return false;
        out.push_back(std::move(converted));
    }
    return true;
}

namespace {

bool is_name_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_name_char(char c) { return is_name_start(c) || (c >= '0' && c <= '9'); }

// The end of the quoted run starting at `i` (a quote character repeated twice is one inside it).
std::size_t end_of_quoted(const std::string& sql, std::size_t i, char quote) {
    for (std::size_t j = i + 1; j < sql.size(); ++j) {
        if (sql[j] != quote) continue;
        if (j + 1 < sql.size() && sql[j + 1] == quote) {
            ++j;
            continue;
        }
        return j + 1;
    }
    return sql.size();
}

// "$tag$ … $tag$": the end of a dollar-quoted body starting at `i`, or npos if `i` does not start one.
std::size_t end_of_dollar_quoted(const std::string& sql, std::size_t i) {
    std::size_t j = i + 1;
    while (j < sql.size() && is_name_char(sql[j])) ++j;
    if (j >= sql.size() || sql[j] != '$') return std::string::npos;
    if (j > i + 1 && sql[i + 1] >= '0' && sql[i + 1] <= '9') return std::string::npos;  // "$1" is a parameter
    std::string tag = sql.substr(i, j - i + 1);
    auto close = sql.find(tag, j + 1);
    return close == std::string::npos ? sql.size() : close + tag.size();
}

}  // namespace

bool positional_parameters(const std::string& sql, const std::vector<rd::statement_parameter>& named,
                           std::string& rewritten, std::vector<engine::pg::parameter>& values, std::string& why) {
    std::map<std::string, std::string> value_of;
    for (const auto& p : named) value_of[p.name] = p.value;
    std::map<std::string, int> position;  // a name used twice is one $n
    rewritten.clear();
    values.clear();
    std::size_t i = 0;
    while (i < sql.size()) {
        char c = sql[i];
        std::size_t next = i + 1;
        if (c == '\'' || c == '"') {
            next = end_of_quoted(sql, i, c);
        } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
            next = sql.find('\n', i);
            if (next == std::string::npos) next = sql.size();
        } else if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
            next = sql.find("*/", i + 2);
            next = next == std::string::npos ? sql.size() : next + 2;
        } else if (c == '$') {
            auto end = end_of_dollar_quoted(sql, i);
            if (end != std::string::npos) next = end;
        } else if (c == ':' && i + 1 < sql.size() && sql[i + 1] == ':') {
            next = i + 2;  // a cast
        } else if (c == ':' && i + 1 < sql.size() && is_name_start(sql[i + 1])) {
            std::size_t end = i + 1;
            while (end < sql.size() && is_name_char(sql[end])) ++end;
            std::string name = sql.substr(i + 1, end - i - 1);
            auto value = value_of.find(name);
            if (value == value_of.end()) {
                why = "the SQL uses :" + name + " but no --param " + name + "=VALUE gives it";
                return false;
            }
            auto [slot, added] = position.emplace(name, static_cast<int>(values.size()) + 1);
            if (added) values.emplace_back(value->second);
            rewritten += "$" + std::to_string(slot->second);
            i = end;
            continue;
        }
        rewritten.append(sql, i, next - i);
        i = next;
    }
    for (const auto& p : named) {
        if (!position.contains(p.name)) {
            why = "the parameter " + p.name + " is not used in the SQL";
            return false;
        }
    }
    return true;
}

}  // namespace shiftsync::transfer::endpoint
