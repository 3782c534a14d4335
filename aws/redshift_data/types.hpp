#pragma once
// The Redshift Data API's values, as shiftsync hands them on: typed fields (Redshift maps DECIMAL,
// dates and times to strings), column metadata, and a statement's description.

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace shiftsync::aws::redshift_data {

struct null_value {
    bool operator==(const null_value&) const = default;
};
struct blob_value {
    std::string bytes;  // decoded from the API's base64
    bool operator==(const blob_value&) const = default;
};
// One Field union: isNull, booleanValue, longValue, doubleValue, stringValue or blobValue.
using field = std::variant<null_value, bool, std::int64_t, double, std::string, blob_value>;
using row = std::vector<field>;

struct column_metadata {
    std::string name;
    std::string label;
    std::string type_name;    // Redshift's: "int4", "numeric", "varchar", "timestamp", ...
    std::string schema_name;
    std::string table_name;
    int precision = 0;
    int scale = 0;
    int length = 0;
    bool nullable = true;
    bool is_signed = false;
};

enum class statement_status { submitted, picked, started, finished, failed, aborted, all, unknown };
statement_status parse_status(std::string_view text);
std::string_view to_string(statement_status s);
inline bool is_terminal(statement_status s) {
    return s == statement_status::finished || s == statement_status::failed || s == statement_status::aborted;
}

struct statement_description {
    std::string id;
    statement_status status = statement_status::unknown;
    std::string error;              // Redshift's error text when FAILED
    std::int64_t duration_ns = -1;
    bool has_result_set = false;
    std::int64_t result_rows = -1;
    std::int64_t result_size = -1;
    std::string query_string;
    std::int64_t redshift_query_id = 0;
    double created_at = 0;  // epoch seconds, as the API sends them
    double updated_at = 0;  // for a finished statement: when it ended
};

struct result_page {
    std::vector<column_metadata> columns;  // on every page, as the API sends them
    std::vector<row> rows;
    std::int64_t total_rows = 0;
    std::string next_token;  // empty on the last page
};

struct statement_parameter {
    std::string name;
    std::string value;
};

struct execute_request {
    std::string sql;
    std::string database;
    std::string workgroup;
    std::vector<statement_parameter> parameters;  // ":name" placeholders in sql
    std::string statement_name;
    std::string client_token;                     // idempotency
    std::optional<int> session_keep_alive_seconds;
    std::string session_id;                       // run in an existing session (no database/workgroup then)
};

struct execute_result {
    std::string id;
    std::string session_id;
};

struct table_entry {
    std::string name;
    std::string schema;
    std::string type;  // TABLE, VIEW, ...
};

}  // namespace shiftsync::aws::redshift_data
