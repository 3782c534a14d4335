#pragma once
// COPY's per-field rules, applied before a row reaches PostgreSQL so that a bad row can be
// skipped (MAXERROR) and reported the way Redshift reports it (sys_load_error_detail's codes):
// NULL AS / EMPTYASNULL / BLANKSASNULL / TRIMBLANKS / TRUNCATECOLUMNS / ACCEPTINVCHARS,
// DATEFORMAT / TIMEFORMAT conversion, and validation of integers, floats, booleans, lengths
// and UTF-8. Types it does not check are left to PostgreSQL (the executor retries without a row
// PostgreSQL rejects).

#include <optional>
#include <string>
#include <vector>

#include "tools/localaws/redshift/bulk/copy_records.hpp"

namespace localaws::redshift::bulk {

struct target_column {
    std::string name;
    unsigned type_oid = 0;
    int type_modifier = -1;
    std::string type_name;  // format_type(): "integer", "character varying(20)", …
    bool not_null = false;
};

struct field_error {
    int code = 0;              // Redshift's load error code (1202, 1204, 1207, 1214, 1220, …)
    std::string message;
    std::size_t column = 0;    // index into the target columns
};

class field_converter {
public:
    field_converter(const dialect::copy_command& cmd, std::vector<target_column> columns);

    // Turns one record into PostgreSQL text-format fields (appended to `out`, with the newline).
    // On a bad field, returns its error and leaves `out` as it was.
    std::optional<field_error> convert(input_record& record, std::string& out);
    const std::vector<target_column>& columns() const { return columns_; }

private:
    // Applies the rules to field.text in place; is_null says whether the value is NULL.
    std::optional<field_error> convert_field(std::size_t column, input_field& field, bool& is_null);

    const dialect::copy_command& cmd_;
    std::vector<target_column> columns_;
    std::string null_as_;
};

// Converts `text` written in a Redshift DATEFORMAT/TIMEFORMAT ('YYYY-MM-DD HH24:MI:SS', 'MM/DD/YYYY',
// 'epochsecs', 'epochmillisecs', …) to ISO 8601 text; nullopt when it does not match.
std::optional<std::string> apply_datetime_format(const std::string& format, const std::string& text);

}  // namespace localaws::redshift::bulk
