#include "transfer/rows/column.hpp"

#include <array>
#include <utility>

namespace shiftsync::transfer::rows {

value_kind kind_of_type(std::string_view t) {
    static constexpr std::array<std::pair<std::string_view, value_kind>, 26> names{{
        {"int2", value_kind::integer},         {"int4", value_kind::integer},
        {"int8", value_kind::integer},         {"smallint", value_kind::integer},
        {"integer", value_kind::integer},      {"bigint", value_kind::integer},
        {"numeric", value_kind::decimal},      {"decimal", value_kind::decimal},
        {"float4", value_kind::real4},         {"real", value_kind::real4},
        {"float8", value_kind::real8},         {"double precision", value_kind::real8},
        {"bool", value_kind::boolean},         {"boolean", value_kind::boolean},
        {"date", value_kind::date},            {"time", value_kind::time},
        {"timetz", value_kind::timetz},        {"timestamp", value_kind::timestamp},
        {"timestamptz", value_kind::timestamptz}, {"super", value_kind::super},
        {"varbyte", value_kind::varbyte},      {"varbinary", value_kind::varbyte},
        {"time without time zone", value_kind::time}, {"time with time zone", value_kind::timetz},
        {"timestamp without time zone", value_kind::timestamp},
        {"timestamp with time zone", value_kind::timestamptz},
    }};
    for (const auto& [name, kind] : names)
        if (name == t) return kind;
    return value_kind::text;
}

std::string_view to_string(value_kind kind) {
    switch (kind) {
        case value_kind::integer: return "integer";
        case value_kind::decimal: return "decimal";
        case value_kind::real4: return "real4";
        case value_kind::real8: return "real8";
        case value_kind::boolean: return "boolean";
        case value_kind::text: return "text";
        case value_kind::date: return "date";
        case value_kind::time: return "time";
        case value_kind::timetz: return "timetz";
        case value_kind::timestamp: return "timestamp";
        case value_kind::timestamptz: return "timestamptz";
        case value_kind::super: return "super";
        case value_kind::varbyte: return "varbyte";
    }
    return "text";
}

}  // namespace shiftsync::transfer::rows
