#include "tools/localaws/data_api/redshift_types.hpp"

namespace localaws::data_api {
namespace oid {
constexpr unsigned bool_ = 16, bytea = 17, char_ = 18, name = 19, int8 = 20, int2 = 21, int4 = 23, text = 25,
                   oid_ = 26, json = 114, float4 = 700, float8 = 701, bpchar = 1042, varchar = 1043, date = 1082,
                   time = 1083, timestamp = 1114, timestamptz = 1184, interval = 1186, timetz = 1266,
                   numeric = 1700, jsonb = 3802;
}

field_kind field_kind_of(unsigned t) {
    switch (t) {
        case oid::bool_: return field_kind::boolean;
        case oid::int2:
        case oid::int4:
        case oid::int8:
        case oid::oid_: return field_kind::integer;
        case oid::float4:
        case oid::float8: return field_kind::floating;
        case oid::bytea: return field_kind::varbyte;
        default: return field_kind::text;  // numeric, dates and times travel as strings, as in Redshift
    }
}

std::string short_type_name(unsigned t) {
    switch (t) {
        case oid::bool_: return "bool";
        case oid::bytea: return "varbyte";
        case oid::char_: return "char";
        case oid::name: return "name";
        case oid::int8: return "int8";
        case oid::int2: return "int2";
        case oid::int4: return "int4";
        case oid::text: return "varchar";
        case oid::oid_: return "oid";
        case oid::json:
        case oid::jsonb: return "super";
        case oid::float4: return "float4";
        case oid::float8: return "float8";
        case oid::bpchar: return "bpchar";
        case oid::varchar: return "varchar";
        case oid::date: return "date";
        case oid::time: return "time";
        case oid::timestamp: return "timestamp";
        case oid::timestamptz: return "timestamptz";
        case oid::interval: return "interval";
        case oid::timetz: return "timetz";
        case oid::numeric: return "numeric";
        default: return {};
    }
}

type_shape shape_of(unsigned t, int mod) {
    type_shape s;
    switch (t) {
        case oid::bool_: s.precision = 1; break;
        case oid::int2: s = {5, 0, 0, true, false}; break;
        case oid::int4: s = {10, 0, 0, true, false}; break;
        case oid::int8: s = {19, 0, 0, true, false}; break;
        case oid::float4: s = {8, 8, 0, true, false}; break;
        case oid::float8: s = {17, 17, 0, true, false}; break;
        case oid::numeric:
            s.is_signed = true;
            if (mod >= 4) {
                s.precision = ((mod - 4) >> 16) & 0xffff;
                s.scale = (mod - 4) & 0xffff;
            } else {
                s.precision = 18;  // Redshift's default DECIMAL(18, 0)
            }
            break;
        case oid::varchar:
        case oid::bpchar:
            s.precision = mod >= 4 ? mod - 4 : 65535;
            s.case_sensitive = true;
            break;
        case oid::text:
        case oid::json:
        case oid::jsonb: s.precision = 65535; s.case_sensitive = true; break;
        case oid::date: s.precision = 13; break;
        case oid::time: s = {15, 6, 0, false, false}; break;
        case oid::timetz: s = {21, 6, 0, false, false}; break;
        case oid::timestamp: s = {29, 6, 0, false, false}; break;
        case oid::timestamptz: s = {35, 6, 0, false, false}; break;
        default: s.case_sensitive = true; break;
    }
    return s;
}

std::string long_type_name(const std::string& name) {
    if (name == "jsonb" || name == "json") return "super";
    if (name == "text") return "character varying";
    if (name == "bytea") return "varbyte";
    return name;
}

}  // namespace localaws::data_api
