#include "transfer/endpoint/catalog_shape.hpp"

#include "transfer/endpoint/type_oids.hpp"

#include <charconv>

namespace shiftsync::transfer::endpoint {

namespace rd = aws::redshift_data;

namespace {

// Schemas the Data API never lists (see the header). ESCAPE '!' rather than LIKE's default
// backslash: a backslash inside a literal depends on standard_conforming_strings, which Redshift
// and PostgreSQL do not agree on.
constexpr const char* visible_schema = "n.nspname NOT LIKE 'pg!_toast%' ESCAPE '!' "
                                       "AND n.nspname NOT LIKE 'pg!_temp!_%' ESCAPE '!' "
                                       "AND n.nspname <> 'localaws_sys'";
// Tables, partitioned tables, views, materialized views, foreign tables.
constexpr const char* listed_relkinds = "c.relkind IN ('r', 'p', 'v', 'm', 'f')";

std::string pattern_or_all(std::string_view pattern) { return pattern.empty() ? "%" : std::string(pattern); }

const std::string& field(const engine::pg::row& r, std::size_t i, const char* what, bool& ok, std::string& why) {
    static const std::string none;
    if (i < r.size() && r[i]) return *r[i];
    if (ok) why = std::string("a catalog row without ") + what;
    ok = false;
    return none;
}

template <class Int>
Int number(const std::string& text, const char* what, bool& ok, std::string& why) {
    Int n{};
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ok && (ec != std::errc{} || end != text.data() + text.size())) {
        why = std::string("a catalog row whose ") + what + " is not a number: '" + text + "'";
        ok = false;
    }
    return n;
}

}  // namespace

catalog_statement list_databases_statement() {
    return {"SELECT datname FROM pg_database WHERE datallowconn AND NOT datistemplate AND datname <> 'postgres' "
            "ORDER BY datname",
            {}};
}

catalog_statement list_schemas_statement(std::string_view schema_pattern) {
    return {std::string("SELECT n.nspname FROM pg_namespace n WHERE n.nspname LIKE $1 AND ") + visible_schema +
                " ORDER BY n.nspname",
            {pattern_or_all(schema_pattern)}};
}

catalog_statement list_tables_statement(std::string_view schema_pattern, std::string_view table_pattern) {
    return {std::string("SELECT c.relname, n.nspname, c.relkind FROM pg_class c "
                        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ") +
                listed_relkinds + " AND n.nspname LIKE $1 AND c.relname LIKE $2 AND " + visible_schema +
                " ORDER BY n.nspname, c.relname",
            {pattern_or_all(schema_pattern), pattern_or_all(table_pattern)}};
}

// An empty table describes every table of the schema, as DescribeTable without Table does.
catalog_statement describe_table_statement(std::string_view schema, std::string_view table) {
    return {std::string("SELECT a.attname, format_type(a.atttypid, NULL), a.atttypid, a.atttypmod, a.attnotnull, "
                        "n.nspname, c.relname FROM pg_attribute a "
                        "JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
                        "WHERE a.attnum > 0 AND NOT a.attisdropped AND ") +
                listed_relkinds + " AND n.nspname = $1 AND ($2 = '' OR c.relname = $2) " +
                "ORDER BY c.relname, a.attnum",
            {std::string(schema), std::string(table)}};
}

std::string like_exactly(std::string_view name) {
    std::string out;
    out.reserve(name.size());
    for (char ch : name) {
        if (ch == '%' || ch == '_' || ch == '\\') out += '\\';
        out += ch;
    }
    return out;
}

std::string table_type_of(std::string_view relkind, std::string_view schema) {
    const bool system = schema == "pg_catalog" || schema == "information_schema";
    const bool view = relkind == "v" || relkind == "m";
    if (view) return system ? "SYSTEM VIEW" : "VIEW";
    return system ? "SYSTEM TABLE" : "TABLE";
}

std::string described_type_name(std::string_view format_type_name) {
    if (format_type_name == "jsonb" || format_type_name == "json") return "super";
    if (format_type_name == "bytea") return "varbyte";
    if (format_type_name == "text") return "character varying";
    return std::string(format_type_name);
}

void shape_of_column(std::uint32_t type_oid, int type_modifier, rd::column_metadata& c) {
    c.precision = c.scale = c.length = 0;
    c.is_signed = false;
    // JDBC's: character types are case sensitive, and only they (bounded ones) report a length.
    bool characters = false;
    switch (type_oid) {
        case oid::boolean: c.precision = 1; break;
        case oid::int2: c.precision = 5; c.is_signed = true; break;
        case oid::int4: c.precision = 10; c.is_signed = true; break;
        case oid::int8: c.precision = 19; c.is_signed = true; break;
        case oid::float4: c.precision = c.scale = 8; c.is_signed = true; break;
        case oid::float8: c.precision = c.scale = 17; c.is_signed = true; break;
        case oid::numeric:
            c.is_signed = true;
            if (type_modifier >= 4) {
                c.precision = ((type_modifier - 4) >> 16) & 0xffff;
                c.scale = (type_modifier - 4) & 0xffff;
            } else {
                c.precision = 18;  // DECIMAL without a precision is DECIMAL(18, 0) in Redshift
            }
            break;
        case oid::varchar:
        case oid::bpchar:
            characters = true;
            c.precision = type_modifier >= 4 ? type_modifier - 4 : 65535;
            break;
        case oid::text:
        case oid::json:
        case oid::jsonb:
        case oid::super: characters = true; c.precision = 65535; break;
        case oid::date: c.precision = 13; break;
        case oid::time: c.precision = 15; c.scale = 6; break;
        case oid::timetz: c.precision = 21; c.scale = 6; break;
        case oid::timestamp: c.precision = 29; c.scale = 6; break;
        case oid::timestamptz: c.precision = 35; c.scale = 6; break;
        default: characters = true; break;  // VARBYTE and the rest: precision and length 0
    }
    if (characters && c.precision != 65535) c.length = c.precision;
}

bool names_of(const std::vector<engine::pg::row>& rows, std::vector<std::string>& out, std::string& why) {
    out.clear();
    bool ok = true;
    for (const auto& r : rows) out.push_back(field(r, 0, "a name", ok, why));
    return ok;
}

bool tables_of(const std::vector<engine::pg::row>& rows, std::vector<rd::table_entry>& out, std::string& why) {
    out.clear();
    bool ok = true;
    for (const auto& r : rows) {
        rd::table_entry t;
        t.name = field(r, 0, "a table name", ok, why);
        t.schema = field(r, 1, "a schema", ok, why);
        t.type = table_type_of(field(r, 2, "a relkind", ok, why), t.schema);
        out.push_back(std::move(t));
    }
    return ok;
}

bool columns_of(const std::vector<engine::pg::row>& rows, std::vector<rd::column_metadata>& out, std::string& why) {
    out.clear();
    bool ok = true;
    for (const auto& r : rows) {
        rd::column_metadata c;
        c.name = c.label = field(r, 0, "a column name", ok, why);
        c.type_name = described_type_name(field(r, 1, "a type name", ok, why));
        auto type_oid = number<std::uint32_t>(field(r, 2, "a type oid", ok, why), "type oid", ok, why);
        auto modifier = number<int>(field(r, 3, "a type modifier", ok, why), "type modifier", ok, why);
        shape_of_column(type_oid, modifier, c);
        c.nullable = field(r, 4, "attnotnull", ok, why) != "t";
        c.schema_name = field(r, 5, "a schema", ok, why);
        c.table_name = field(r, 6, "a table name", ok, why);
        out.push_back(std::move(c));
    }
    return ok;
}

}  // namespace shiftsync::transfer::endpoint
