#include "transfer/postgres/redshift_types.hpp"

#include <algorithm>
#include <array>
#include <string_view>

namespace shiftsync::transfer::postgres {

using rows::value_kind;

namespace {

constexpr int max_varchar_bytes = 65535;
constexpr int max_numeric_digits = 38;

redshift_column typed(const query_column& s, value_kind kind, std::string type_name, std::string ddl) {
    redshift_column out;
    out.column.name = s.name;
    out.column.kind = kind;
    out.column.type_name = std::move(type_name);
    out.ddl = std::move(ddl);
    return out;
}

redshift_column refused(const query_column& s, std::string why) {
    redshift_column out = typed(s, value_kind::text, s.base_type, {});
    out.refused = "column \"" + s.name + "\" is " + s.type + " in PostgreSQL, which Redshift cannot hold (" + why +
                  "); cast it in the query (\"" + s.name + "\"::text loads its text)";
    return out;
}

redshift_column varchar(const query_column& s, int bytes) {
    redshift_column out = typed(s, value_kind::text, "varchar", "VARCHAR(" + std::to_string(bytes) + ")");
    out.column.precision = bytes;
    return out;
}

// varchar(n) and char(n) keep n + 4 in the type modifier; n characters take up to 4n bytes.
int bytes_for_characters(int typmod) {
    if (typmod < 4) return max_varchar_bytes;
    return static_cast<int>(std::min<long long>(4ll * (typmod - 4), max_varchar_bytes));
}

redshift_column numeric(const query_column& s) {
    if (s.typmod < 4) {
        redshift_column out = typed(s, value_kind::decimal, "numeric", {});
        out.no_ddl = "column \"" + s.name + "\" is numeric without a precision in PostgreSQL, and Redshift has no "
                     "such type; cast it in the query (\"" + s.name + "\"::numeric(38,6)) or give --column-type " +
                     s.name + "=NUMERIC(p,s)";
        return out;
    }
    const int bits = s.typmod - 4;
    const int precision = (bits >> 16) & 0xffff;
    const int scale = ((bits & 0x7ff) ^ 1024) - 1024;  // PostgreSQL 15: a scale may be negative
    if (precision > max_numeric_digits) return refused(s, "Redshift's NUMERIC keeps at most 38 digits");
    if (scale < 0 || scale > precision) return refused(s, "Redshift's NUMERIC scale is between 0 and the precision");
    redshift_column out = typed(s, value_kind::decimal, "numeric",
                                "NUMERIC(" + std::to_string(precision) + "," + std::to_string(scale) + ")");
    out.column.precision = precision;
    out.column.scale = scale;
    return out;
}

}  // namespace

redshift_column redshift_column_for(const query_column& s) {
    struct simple {
        std::string_view pg;
        value_kind kind;
        std::string_view redshift;
        std::string_view ddl;
    };
    static constexpr std::array<simple, 14> simples{{
        {"int2", value_kind::integer, "int2", "SMALLINT"},
        {"int4", value_kind::integer, "int4", "INTEGER"},
        {"int8", value_kind::integer, "int8", "BIGINT"},
        {"float4", value_kind::real4, "float4", "REAL"},
        {"float8", value_kind::real8, "float8", "DOUBLE PRECISION"},
        {"bool", value_kind::boolean, "bool", "BOOLEAN"},
        {"date", value_kind::date, "date", "DATE"},
        {"time", value_kind::time, "time", "TIME"},
        {"timetz", value_kind::timetz, "timetz", "TIMETZ"},
        {"timestamp", value_kind::timestamp, "timestamp", "TIMESTAMP"},
        {"timestamptz", value_kind::timestamptz, "timestamptz", "TIMESTAMPTZ"},
        {"json", value_kind::super, "super", "SUPER"},
        {"jsonb", value_kind::super, "super", "SUPER"},
        {"bytea", value_kind::varbyte, "varbyte", "VARBYTE(1024000)"},
    }};
    if (s.category == 'A') return refused(s, "an array; Redshift has no array columns");
    if (s.type_kind == 'e') return varchar(s, max_varchar_bytes);  // an enum: its labels
    if (s.type_kind != 'b') return refused(s, "a composite, range or pseudo type");
    for (const auto& t : simples)
        if (t.pg == s.base_type) return typed(s, t.kind, std::string(t.redshift), std::string(t.ddl));
    if (s.base_type == "numeric") return numeric(s);
    if (s.base_type == "varchar" || s.base_type == "bpchar") return varchar(s, bytes_for_characters(s.typmod));
    if (s.base_type == "uuid") return varchar(s, 36);
    static constexpr std::array<std::string_view, 8> texts{"text", "name", "citext", "inet", "cidr", "macaddr",
                                                           "macaddr8", "xml"};
    if (std::find(texts.begin(), texts.end(), s.base_type) != texts.end()) return varchar(s, max_varchar_bytes);
    if (s.base_type == "interval") return refused(s, "Redshift has no INTERVAL columns");
    return refused(s, "no Redshift type reads its text as PostgreSQL writes it");
}

}  // namespace shiftsync::transfer::postgres
