#include "tools/localaws/data_api/json_dispatch.hpp"

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

namespace localaws::data_api {
namespace json = boost::json;
namespace {

// Reads optional members, remembering the first type error.
class reader {
public:
    explicit reader(const json::object& body) : body_(body) {}

    std::optional<std::string> str(const char* name) {
        auto* v = body_.if_contains(name);
        if (!v || v->is_null()) return std::nullopt;
        if (!v->is_string()) return fail(name, "a string"), std::nullopt;
        return std::string(v->get_string());
    }
    std::optional<int> integer(const char* name) {
        auto* v = body_.if_contains(name);
        if (!v || v->is_null()) return std::nullopt;
        if (!v->is_int64() && !v->is_uint64()) return fail(name, "an integer"), std::nullopt;
        return static_cast<int>(v->to_number<std::int64_t>());
    }
    std::optional<bool> boolean(const char* name) {
        auto* v = body_.if_contains(name);
        if (!v || v->is_null()) return std::nullopt;
        if (!v->is_bool()) return fail(name, "a boolean"), std::nullopt;
        return v->get_bool();
    }
    std::vector<std::string> strings(const char* name) {
        std::vector<std::string> out;
        auto* v = body_.if_contains(name);
        if (!v || v->is_null()) return out;
        if (!v->is_array()) return fail(name, "a list"), out;
        for (const auto& e : v->get_array()) {
            if (!e.is_string()) return fail(name, "a list of strings"), out;
            out.emplace_back(e.get_string());
        }
        return out;
    }
    std::vector<sql_parameter> parameters() {
        std::vector<sql_parameter> out;
        auto* v = body_.if_contains("Parameters");
        if (!v || v->is_null()) return out;
        if (!v->is_array()) return fail("Parameters", "a list"), out;
        for (const auto& e : v->get_array()) {
            const json::object* p = e.if_object();
            const json::value* n = p ? p->if_contains("name") : nullptr;
            const json::value* val = p ? p->if_contains("value") : nullptr;
            if (!n || !val || !n->is_string() || !val->is_string())
                return fail("Parameters", "a list of {name, value} strings"), out;
            out.push_back({std::string(n->get_string()), std::string(val->get_string())});
        }
        return out;
    }
    std::optional<api_error> error() const { return error_; }

private:
    void fail(const char* name, const char* what) {
        if (!error_) error_ = validation_error(std::string(name) + " must be " + what);
    }
    const json::object& body_;
    std::optional<api_error> error_;
};

execute_input execute_of(reader& r, bool batch) {
    execute_input in;
    if (batch) {
        in.sqls = r.strings("Sqls");
    } else if (auto sql = r.str("Sql")) {
        in.sqls.push_back(*sql);
    }
    in.database = r.str("Database");
    in.workgroup_name = r.str("WorkgroupName");
    in.cluster_identifier = r.str("ClusterIdentifier");
    in.secret_arn = r.str("SecretArn");
    in.db_user = r.str("DbUser");
    in.statement_name = r.str("StatementName");
    in.client_token = r.str("ClientToken");
    in.result_format = r.str("ResultFormat");
    in.session_id = r.str("SessionId");
    in.session_keep_alive_seconds = r.integer("SessionKeepAliveSeconds");
    in.parameters = r.parameters();
    in.with_event = r.boolean("WithEvent").value_or(false);
    return in;
}

catalog_input catalog_of(reader& r) {
    catalog_input in;
    in.database = r.str("Database").value_or("");
    in.connected_database = r.str("ConnectedDatabase");
    in.workgroup_name = r.str("WorkgroupName");
    in.cluster_identifier = r.str("ClusterIdentifier");
    in.secret_arn = r.str("SecretArn");
    in.db_user = r.str("DbUser");
    in.schema_pattern = r.str("SchemaPattern");
    in.table_pattern = r.str("TablePattern");
    in.schema = r.str("Schema");
    in.table = r.str("Table");
    in.next_token = r.str("NextToken");
    in.max_results = r.integer("MaxResults");
    return in;
}

// The Id and NextToken of a request about one statement.
struct statement_ref {
    std::string id;
    std::optional<std::string> next_token;
};
result<statement_ref> statement_ref_of(const json::object& body) {
    reader r(body);
    auto id = r.str("Id");
    auto token = r.str("NextToken");
    if (auto e = r.error()) return *e;
    if (!id) return validation_error("Id must be specified");
    return statement_ref{std::move(*id), std::move(token)};
}

}  // namespace

result<json::object> dispatch(statement_engine& engine, std::string_view op, const caller& who, const json::object& body) {
    reader r(body);
    auto checked = [&](auto&& call) -> result<json::object> {
        if (auto e = r.error()) return *e;
        return call();
    };
    if (op == "ExecuteStatement" || op == "BatchExecuteStatement") {
        bool batch = op == "BatchExecuteStatement";
        execute_input in = execute_of(r, batch);
        return checked([&] { return batch ? engine.batch_execute_statement(who, in) : engine.execute_statement(who, in); });
    }
    if (op == "DescribeStatement" || op == "CancelStatement" || op == "GetStatementResult" ||
        op == "GetStatementResultV2") {
        auto ref = statement_ref_of(body);
        if (!ref) return ref.error();
        const auto& [id, token] = ref.value();
        if (op == "DescribeStatement") return engine.describe_statement(who, id);
        if (op == "CancelStatement") return engine.cancel_statement(who, id);
        if (op == "GetStatementResult") return engine.get_statement_result(who, id, token);
        return engine.get_statement_result_v2(who, id, token);
    }
    if (op == "ListStatements") {
        list_statements_input in;
        in.next_token = r.str("NextToken");
        in.max_results = r.integer("MaxResults");
        in.statement_name = r.str("StatementName");
        in.status = r.str("Status");
        in.role_level = r.boolean("RoleLevel").value_or(true);
        in.database = r.str("Database");
        in.workgroup_name = r.str("WorkgroupName");
        return checked([&] { return engine.list_statements(who, in); });
    }
    if (op == "ListDatabases" || op == "ListSchemas" || op == "ListTables" || op == "DescribeTable") {
        catalog_input in = catalog_of(r);
        return checked([&] {
            if (op == "ListDatabases") return engine.list_databases(who, in);
            if (op == "ListSchemas") return engine.list_schemas(who, in);
            if (op == "ListTables") return engine.list_tables(who, in);
            return engine.describe_table(who, in);
        });
    }
    return api_error{"UnknownOperationException", "Unknown operation RedshiftData." + std::string(op), {}, 400};
}

result<std::string> dispatch_body(statement_engine& engine, std::string_view op, const caller& who,
                                  const json::object& body) {
    if (op == "GetStatementResult" || op == "GetStatementResultV2") {
        auto ref = statement_ref_of(body);
        if (!ref) return ref.error();
        const auto& [id, token] = ref.value();
        return op == "GetStatementResult" ? engine.get_statement_result_body(who, id, token)
                                          : engine.get_statement_result_v2_body(who, id, token);
    }
    auto out = dispatch(engine, op, who, body);
    if (!out) return out.error();
    return json::serialize(out.value());
}

}  // namespace localaws::data_api
