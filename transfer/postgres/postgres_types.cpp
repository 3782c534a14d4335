#include "transfer/postgres/postgres_types.hpp"

#include "transfer/postgres/postgres_copy.hpp"

#include <algorithm>

namespace shiftsync::transfer::postgres {

using rows::value_kind;

namespace {

int integer_bytes(const rows::column& c) {
    if (c.type_name == "int2" || c.type_name == "smallint") return 2;
    if (c.type_name == "int4" || c.type_name == "integer" || c.type_name == "int") return 4;
    return 8;
}

bool is_blank_padded(const rows::column& c) {
    return c.type_name == "bpchar" || c.type_name == "char" || c.type_name == "character" || c.type_name == "nchar";
}

// The longest canonical text of a value of `c`, or 0 when unbounded (or unknown): a varchar(n)
// target holds the kind when n reaches it.
int longest_text(const rows::column& c) {
    switch (c.kind) {
        case value_kind::integer: return integer_bytes(c) == 2 ? 6 : integer_bytes(c) == 4 ? 11 : 20;
        case value_kind::decimal: return c.precision > 0 ? c.precision + 2 : 0;  // sign and point
        case value_kind::real4: return 15;                                          // -1.2345679e-38
        case value_kind::real8: return 24;                                          // -1.7976931348623157e+308
        case value_kind::boolean: return 5;
        case value_kind::date: return 13;         // 4713-01-01 BC
        case value_kind::time: return 15;         // 24:00:00.000000
        case value_kind::timetz: return 24;       // 24:00:00.000000+15:59:59
        case value_kind::timestamp: return 32;    // 294276-12-31 23:59:59.999999 BC
        case value_kind::timestamptz: return 41;  // … with +15:59:59
        case value_kind::text: return c.precision > 0 ? c.precision : 0;
        case value_kind::super:
        case value_kind::varbyte: return 0;
    }
    return 0;
}

// PostgreSQL keeps varchar(n)'s and char(n)'s n as n + 4 in the type modifier.
int character_length(int typmod) { return typmod >= 4 ? typmod - 4 : -1; }

struct numeric_shape {
    int precision = -1;  // -1: unconstrained
    int scale = 0;
};
numeric_shape numeric_of(int typmod) {
    if (typmod < 4) return {};
    int bits = typmod - 4;
    // PostgreSQL 15 packs a scale from -1000 to 1000 in the low 11 bits, sign-extended.
    return {(bits >> 16) & 0xffff, ((bits & 0x7ff) ^ 1024) - 1024};
}

// An unbounded string type, or a varchar long enough for every value of `source`.
bool text_holds(const rows::column& source, const postgres_column& target) {
    if (target.base_type == "text") return true;
    if (target.base_type != "varchar") return false;
    int length = character_length(target.typmod);
    if (length < 0) return true;
    int needed = longest_text(source);
    return needed > 0 && length >= needed;
}

bool integer_holds(const rows::column& source, const postgres_column& target) {
    int bytes = integer_bytes(source);
    const std::string& t = target.base_type;
    if (t == "int8") return true;
    if (t == "int4") return bytes <= 4;
    if (t == "int2") return bytes <= 2;
    if (t == "float8") return bytes <= 4;  // exact up to 2^53
    if (t == "float4") return bytes <= 2;  // exact up to 2^24
    if (t == "numeric") {
        auto n = numeric_of(target.typmod);
        int digits = bytes == 2 ? 5 : bytes == 4 ? 10 : 19;
        return n.precision < 0 || n.precision - std::max(n.scale, 0) >= digits;
    }
    return false;
}

bool decimal_holds(const rows::column& source, const postgres_column& target) {
    if (target.base_type != "numeric") return false;
    auto n = numeric_of(target.typmod);
    if (n.precision < 0) return true;
    if (source.precision <= 0) return false;  // unknown digits fit only an unconstrained numeric
    return n.scale >= source.scale && n.precision - n.scale >= source.precision - source.scale;
}

bool time_precision_holds(const postgres_column& target) {
    return target.typmod < 0 || target.typmod >= 6;  // Redshift keeps microseconds
}

bool character_holds(const rows::column& source, const postgres_column& target) {
    // char(n) pads with spaces: only a blank-padded source keeps its meaning there.
    if (target.base_type == "bpchar" && is_blank_padded(source)) {
        int length = character_length(target.typmod);
        return length < 0 || (source.precision > 0 && length >= source.precision);
    }
    return false;
}

bool same_family_holds(const rows::column& source, const postgres_column& target) {
    const std::string& t = target.base_type;
    switch (source.kind) {
        case value_kind::integer: return integer_holds(source, target);
        case value_kind::decimal: return decimal_holds(source, target);
        case value_kind::real4: return t == "float4" || t == "float8";
        case value_kind::real8: return t == "float8";
        case value_kind::boolean: return t == "bool";
        case value_kind::text: return character_holds(source, target);
        case value_kind::date: return t == "date";
        case value_kind::time: return t == "time" && time_precision_holds(target);
        case value_kind::timetz: return t == "timetz" && time_precision_holds(target);
        case value_kind::timestamp: return t == "timestamp" && time_precision_holds(target);
        case value_kind::timestamptz: return t == "timestamptz" && time_precision_holds(target);
        case value_kind::super: return t == "jsonb" || t == "json";
        case value_kind::varbyte: return t == "bytea";
    }
    return false;
}

std::string with_length(const char* name, int n) {
    return n > 0 ? std::string(name) + "(" + std::to_string(n) + ")" : std::string(name);
}

}  // namespace

std::string postgres_type_for(const rows::column& c) {
    switch (c.kind) {
        case value_kind::integer:
            return integer_bytes(c) == 2 ? "smallint" : integer_bytes(c) == 4 ? "integer" : "bigint";
        case value_kind::decimal:
            return c.precision > 0 ? "numeric(" + std::to_string(c.precision) + "," + std::to_string(c.scale) + ")"
                                   : "numeric";
        case value_kind::real4: return "real";
        case value_kind::real8: return "double precision";
        case value_kind::boolean: return "boolean";
        case value_kind::date: return "date";
        case value_kind::time: return "time";
        case value_kind::timetz: return "timetz";
        case value_kind::timestamp: return "timestamp";
        case value_kind::timestamptz: return "timestamptz";
        case value_kind::super: return "jsonb";
        case value_kind::varbyte: return "bytea";
        case value_kind::text: break;
    }
    if (is_blank_padded(c)) return c.precision > 0 ? with_length("char", c.precision) : "bpchar";
    if (c.type_name == "varchar" || c.type_name == "character varying" || c.type_name == "nvarchar")
        return c.precision > 0 ? with_length("varchar", c.precision) : "text";
    return "text";
}

std::string redshift_type_text(const rows::column& c) {
    std::string name = c.type_name.empty() ? std::string(rows::to_string(c.kind)) : c.type_name;
    if (c.kind == value_kind::decimal && c.precision > 0)
        return name + "(" + std::to_string(c.precision) + "," + std::to_string(c.scale) + ")";
    if ((c.kind == value_kind::text || c.kind == value_kind::varbyte) && c.precision > 0)
        return with_length(name.c_str(), c.precision);
    return name;
}

std::string why_cannot_hold(const rows::column& source, const postgres_column& target) {
    if (same_family_holds(source, target)) return {};
    if (source.kind != value_kind::varbyte && text_holds(source, target)) return {};
    if (source.kind == value_kind::varbyte) return "only bytea holds VARBYTE's bytes";
    if (target.base_type == "varchar" || target.base_type == "bpchar") return "some values would not fit";
    switch (source.kind) {
        case value_kind::integer:
        case value_kind::decimal: return "some values would not fit or lose digits";
        case value_kind::time:
        case value_kind::timetz:
        case value_kind::timestamp:
        case value_kind::timestamptz:
            if (target.base_type == source.type_name) return "it would round away microseconds";
            break;
        default: break;
    }
    return "the types differ";
}

std::string check_existing_table(const rows::schema& source, const std::vector<postgres_column>& target,
                                 const std::string& table_label) {
    for (const auto& s : source) {
        auto same_name = [&](const postgres_column& t) { return t.name == s.name; };
        auto it = std::find_if(target.begin(), target.end(), same_name);
        if (it == target.end())
            return "the table " + table_label + " has no column " + quote_identifier(s.name) + " (the source's " +
                   redshift_type_text(s) + ")";
        if (it->generated)
            return "the table " + table_label + "'s column " + quote_identifier(s.name) + " " + it->type +
                   " is generated, so it cannot take the source's " + redshift_type_text(s) + " values";
        std::string why = why_cannot_hold(s, *it);
        if (!why.empty())
            return "the table " + table_label + "'s column " + quote_identifier(s.name) + " is " + it->type +
                   ", which cannot hold the source's " + redshift_type_text(s) + " values (" + why + ")";
    }
    for (const auto& t : target) {
        auto same_name = [&](const rows::column& s) { return s.name == t.name; };
        bool in_source = std::any_of(source.begin(), source.end(), same_name);
        if (!in_source && t.not_null && !t.has_default && !t.generated)
            return "the table " + table_label + "'s column " + quote_identifier(t.name) + " " + t.type +
                   " is NOT NULL without a default, and the source has no such column";
    }
    return {};
}

}  // namespace shiftsync::transfer::postgres
