// ListDatabases, ListSchemas, ListTables and DescribeTable: catalog queries run synchronously, as
// the caller's database user (so they see what that user may see), paged in memory.
#include <boost/json/array.hpp>

#include <algorithm>

#include "tools/localaws/data_api/redshift_types.hpp"
#include "tools/localaws/data_api/statement_engine.hpp"

namespace localaws::data_api {
namespace json = boost::json;
namespace {

struct page {
    std::size_t begin = 0, end = 0;
    std::optional<std::string> next_token;
};

result<page> page_of(const catalog_input& in, std::size_t total) {
    int max = in.max_results.value_or(0);
    if (max < 0 || max > 1000) return validation_error("MaxResults must be between 0 and 1000");
    if (max == 0) max = 1000;
    page p;
    if (in.next_token) {
        const std::string& t = *in.next_token;
        if (t.size() < 2 || t[0] != 'c' || t.find_first_not_of("0123456789", 1) != std::string::npos || t.size() > 20)
            return validation_error("Invalid NextToken");
        p.begin = std::min<std::size_t>(std::stoull(t.substr(1)), total);
    }
    p.end = std::min(total, p.begin + static_cast<std::size_t>(max));
    if (p.end < total) p.next_token = "c" + std::to_string(p.end);
    return p;
}

std::string table_type(const std::string& relkind, const std::string& schema) {
    bool system = schema == "pg_catalog" || schema == "information_schema";
    if (relkind == "v" || relkind == "m") return system ? "SYSTEM VIEW" : "VIEW";
    return system ? "SYSTEM TABLE" : "TABLE";
}

}  // namespace

std::optional<api_error> statement_engine::check_catalog_target(const catalog_input& in) const {
    if (in.cluster_identifier) return validation_error("ClusterIdentifier is not supported by localaws; use WorkgroupName");
    if (in.secret_arn) return validation_error("SecretArn is not supported by localaws; use IAM authentication");
    if (in.db_user) return validation_error("DbUser is not supported with WorkgroupName");
    if (!in.workgroup_name) return validation_error("WorkgroupName must be specified");
    if (in.database.empty()) return validation_error("Database must be specified");
    const auto& w = options_.workgroups;
    if (std::find(w.begin(), w.end(), *in.workgroup_name) == w.end())
        return not_found_error("Workgroup " + *in.workgroup_name + " not found", *in.workgroup_name);
    return std::nullopt;
}

result<std::vector<std::vector<std::string>>> statement_engine::catalog_query(const caller& who,
                                                                             const std::string& database,
                                                                             const std::string& sql,
                                                                             const std::vector<std::string>& params) {
    std::string error;
    auto conn = pool_.acquire(who.identity, database, error);
    if (!conn) return api_error{"DatabaseConnectionException", "Database connection failed: " + error, {}, 500};
    redshift::pg::command_status status;
    auto r = conn->exec_params(sql, params, status);
    if (!status) return validation_error(redshift::pg::error_text(status));
    std::vector<std::vector<std::string>> rows;
    for (int i = 0; i < PQntuples(r.get()); ++i) {
        std::vector<std::string> row;
        for (int c = 0; c < PQnfields(r.get()); ++c) row.emplace_back(PQgetvalue(r.get(), i, c));
        rows.push_back(std::move(row));
    }
    pool_.release(database, who.identity.db_user, std::move(conn));
    return rows;
}

result<json::object> statement_engine::list_databases(const caller& who, const catalog_input& in) {
    if (auto e = check_catalog_target(in)) return *e;
    auto rows = catalog_query(who, in.database,
                              "SELECT datname FROM pg_database WHERE datallowconn AND NOT datistemplate "
                              "AND datname <> 'postgres' ORDER BY datname",
                              {});
    if (!rows) return rows.error();
    auto p = page_of(in, rows.value().size());
    if (!p) return p.error();
    json::array names;
    for (std::size_t i = p.value().begin; i < p.value().end; ++i) names.push_back(json::string(rows.value()[i][0]));
    json::object out{{"Databases", std::move(names)}};
    if (p.value().next_token) out["NextToken"] = *p.value().next_token;
    return out;
}

// localaws_sys (where sys_load_error_detail's rows live) is localaws's own and stays out of sight.
result<json::object> statement_engine::list_schemas(const caller& who, const catalog_input& in) {
    if (auto e = check_catalog_target(in)) return *e;
    auto rows = catalog_query(who, in.database,
                              "SELECT nspname FROM pg_namespace WHERE nspname LIKE $1 AND nspname NOT LIKE 'pg\\_toast%' "
                              "AND nspname NOT LIKE 'pg\\_temp\\_%' AND nspname <> 'localaws_sys' ORDER BY nspname",
                              {in.schema_pattern.value_or("%")});
    if (!rows) return rows.error();
    auto p = page_of(in, rows.value().size());
    if (!p) return p.error();
    json::array names;
    for (std::size_t i = p.value().begin; i < p.value().end; ++i) names.push_back(json::string(rows.value()[i][0]));
    json::object out{{"Schemas", std::move(names)}};
    if (p.value().next_token) out["NextToken"] = *p.value().next_token;
    return out;
}

result<json::object> statement_engine::list_tables(const caller& who, const catalog_input& in) {
    if (auto e = check_catalog_target(in)) return *e;
    auto rows = catalog_query(who, in.database,
                              "SELECT c.relname, n.nspname, c.relkind FROM pg_class c "
                              "JOIN pg_namespace n ON n.oid = c.relnamespace "
                              "WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND n.nspname LIKE $1 AND c.relname LIKE $2 "
                              "AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%' AND n.nspname <> 'localaws_sys' "
                              "ORDER BY n.nspname, c.relname",
                              {in.schema_pattern.value_or("%"), in.table_pattern.value_or("%")});
    if (!rows) return rows.error();
    auto p = page_of(in, rows.value().size());
    if (!p) return p.error();
    json::array tables;
    for (std::size_t i = p.value().begin; i < p.value().end; ++i) {
        const auto& row = rows.value()[i];
        tables.push_back(json::object{{"name", row[0]}, {"schema", row[1]}, {"type", table_type(row[2], row[1])}});
    }
    json::object out{{"Tables", std::move(tables)}};
    if (p.value().next_token) out["NextToken"] = *p.value().next_token;
    return out;
}

result<json::object> statement_engine::describe_table(const caller& who, const catalog_input& in) {
    if (auto e = check_catalog_target(in)) return *e;
    auto rows = catalog_query(
        who, in.database,
        "SELECT a.attname, format_type(a.atttypid, NULL), a.atttypmod, a.attnotnull, "
        "pg_get_expr(d.adbin, d.adrelid), n.nspname, c.relname, a.atttypid "
        "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
        "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
        "WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'v', 'm', 'f') "
        "AND n.nspname = $1 AND ($2 = '' OR c.relname = $2) ORDER BY n.nspname, c.relname, a.attnum",
        {in.schema.value_or("public"), in.table.value_or("")});
    if (!rows) return rows.error();
    auto p = page_of(in, rows.value().size());
    if (!p) return p.error();
    json::array columns;
    for (std::size_t i = p.value().begin; i < p.value().end; ++i) {
        const auto& row = rows.value()[i];
        type_shape s = shape_of(static_cast<unsigned>(std::stoul(row[7])), std::stoi(row[2]));
        json::object c{{"name", row[0]},
                       {"label", row[0]},
                       {"typeName", long_type_name(row[1])},
                       {"nullable", row[3] == "t" ? 0 : 1},
                       {"isCaseSensitive", s.case_sensitive},
                       {"isCurrency", false},
                       {"isSigned", s.is_signed},
                       {"precision", s.precision},
                       {"scale", s.scale},
                       {"length", s.case_sensitive && s.precision != 65535 ? s.precision : 0},
                       {"schemaName", row[5]},
                       {"tableName", row[6]}};
        if (!row[4].empty()) c["columnDefault"] = row[4];
        columns.push_back(std::move(c));
    }
    json::object out{{"ColumnList", std::move(columns)}};
    if (in.table) out["TableName"] = *in.table;
    if (p.value().next_token) out["NextToken"] = *p.value().next_token;
    return out;
}

}  // namespace localaws::data_api
