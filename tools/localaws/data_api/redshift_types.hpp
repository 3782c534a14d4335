#pragma once
// PostgreSQL types as Redshift names and describes them to Data API clients.

#include <string>

namespace localaws::data_api {

// varbyte: a stringValue of lowercase hex without "\x" (how Redshift prints VARBYTE), not blobValue.
enum class field_kind { boolean, integer, floating, varbyte, text };

// Which Field union member carries values of this type.
field_kind field_kind_of(unsigned type_oid);

// GetStatementResult's typeName: pg_type's short name with Redshift's spelling (text -> varchar,
// jsonb -> super, bytea -> varbyte). Empty when this table does not know the oid.
std::string short_type_name(unsigned type_oid);

struct type_shape {
    int precision = 0;
    int scale = 0;
    int length = 0;
    bool is_signed = false;
    bool case_sensitive = false;
};
// Precision, scale and length as Redshift's JDBC-style metadata reports them.
type_shape shape_of(unsigned type_oid, int type_modifier);

// DescribeTable's typeName from PostgreSQL's format_type() without modifiers:
// "jsonb" becomes "super", "text" becomes "character varying"; others pass through.
std::string long_type_name(const std::string& format_type_name);

}  // namespace localaws::data_api
