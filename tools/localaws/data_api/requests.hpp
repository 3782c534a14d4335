#pragma once

#include <cstdint>
// The Data API's requests as plain C++ values (botocore's redshift-data model, 2019-12-20), and the
// caller as localaws's server authenticated it. json_dispatch.hpp builds these from request bodies.

#include <optional>
#include <string>
#include <vector>

#include "tools/localaws/data_api/sql_parameters.hpp"
#include "tools/localaws/redshift/identity.hpp"

namespace localaws::data_api {

// Who calls. The server fills it from the SigV4-authenticated principal and the role's tags.
struct caller {
    std::string principal_arn;       // e.g. arn:aws:sts::111122223333:assumed-role/shiftsync-connector/s1
    redshift::db_identity identity;  // db_user "IAMR:shiftsync-connector", db_roles from RedshiftDbRoles
    // The running statement's RedshiftQueryId, set by the worker: COPY records its load errors under
    // it in sys_load_error_detail.query_id, as Redshift does, so a client finds them by that id.
    std::int64_t query_id = 0;
};

// ExecuteStatement (one SQL) and BatchExecuteStatement (1..40 SQLs).
struct execute_input {
    std::vector<std::string> sqls;
    std::optional<std::string> database;
    std::optional<std::string> workgroup_name;
    std::optional<std::string> cluster_identifier;  // provisioned clusters: refused here
    std::optional<std::string> secret_arn;          // refused here (IAM only)
    std::optional<std::string> db_user;             // refused with a workgroup, as AWS does
    std::optional<std::string> statement_name;
    std::optional<std::string> client_token;
    std::optional<std::string> result_format;       // "JSON" (default) or "CSV"
    std::optional<std::string> session_id;
    std::optional<int> session_keep_alive_seconds;
    std::vector<sql_parameter> parameters;
    bool with_event = false;
};

struct list_statements_input {
    std::optional<std::string> next_token;
    std::optional<int> max_results;                 // 0..100, default 100
    std::optional<std::string> statement_name;      // a prefix
    std::optional<std::string> status;              // a StatusString; "ALL" by default
    bool role_level = true;                         // false: only this principal's (session's) statements
    std::optional<std::string> database;
    std::optional<std::string> workgroup_name;
};

// ListDatabases, ListSchemas, ListTables, DescribeTable.
struct catalog_input {
    std::string database;
    std::optional<std::string> connected_database;
    std::optional<std::string> workgroup_name;
    std::optional<std::string> cluster_identifier;
    std::optional<std::string> secret_arn;
    std::optional<std::string> db_user;
    std::optional<std::string> schema_pattern;      // ListSchemas, ListTables (LIKE pattern)
    std::optional<std::string> table_pattern;       // ListTables (LIKE pattern)
    std::optional<std::string> schema;              // DescribeTable
    std::optional<std::string> table;               // DescribeTable
    std::optional<std::string> next_token;
    std::optional<int> max_results;                 // 0..1000
};

}  // namespace localaws::data_api
