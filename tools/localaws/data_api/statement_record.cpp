#include "tools/localaws/data_api/statement_record.hpp"

#include <boost/json/array.hpp>

namespace localaws::data_api {
namespace json = boost::json;

const char* to_string(statement_status s) {
    switch (s) {
        case statement_status::submitted: return "SUBMITTED";
        case statement_status::picked: return "PICKED";
        case statement_status::started: return "STARTED";
        case statement_status::finished: return "FINISHED";
        case statement_status::failed: return "FAILED";
        case statement_status::aborted: return "ABORTED";
    }
    return "FAILED";
}

bool is_final(statement_status s) {
    return s == statement_status::finished || s == statement_status::failed || s == statement_status::aborted;
}

double epoch_seconds(clock::time_point t) {
    return std::chrono::duration<double>(t.time_since_epoch()).count();
}

namespace {

json::array parameters_json(const std::vector<sql_parameter>& parameters) {
    json::array out;
    for (const auto& p : parameters) out.push_back(json::object{{"name", p.name}, {"value", p.value}});
    return out;
}

void add_progress(const statement_record& r, json::object& o) {
    o["Status"] = to_string(r.status);
    o["CreatedAt"] = epoch_seconds(r.created_at);
    o["UpdatedAt"] = epoch_seconds(r.updated_at);
    o["Duration"] = r.duration_ns;
    if (!r.error.empty()) o["Error"] = r.error;
    o["HasResultSet"] = r.has_result_set;
    o["ResultRows"] = r.result_rows;
    o["ResultSize"] = r.result_size;
    o["RedshiftQueryId"] = r.redshift_query_id;
}

}  // namespace

json::object describe_json(const statement_record& r) {
    json::object o;
    o["Id"] = r.id;
    o["DbUser"] = r.db_user;
    o["Database"] = r.database;
    o["WorkgroupName"] = r.workgroup;
    o["QueryString"] = r.query_string;
    o["RedshiftPid"] = r.redshift_pid;
    o["ResultFormat"] = r.result_format;
    if (!r.session_id.empty()) o["SessionId"] = r.session_id;
    if (!r.parameters.empty()) o["QueryParameters"] = parameters_json(r.parameters);
    add_progress(r, o);
    if (r.is_batch) {
        o.erase("QueryString");
        json::array subs;
        for (const auto& sub : r.subs) {
            json::object s;
            s["Id"] = sub->id;
            s["QueryString"] = sub->query_string;
            add_progress(*sub, s);
            subs.push_back(std::move(s));
        }
        o["SubStatements"] = std::move(subs);
    }
    return o;
}

json::object summary_json(const statement_record& r) {
    json::object o;
    o["Id"] = r.id;
    o["Status"] = to_string(r.status);
    o["CreatedAt"] = epoch_seconds(r.created_at);
    o["UpdatedAt"] = epoch_seconds(r.updated_at);
    o["IsBatchStatement"] = r.is_batch;
    o["ResultFormat"] = r.result_format;
    if (!r.statement_name.empty()) o["StatementName"] = r.statement_name;
    if (!r.session_id.empty()) o["SessionId"] = r.session_id;
    if (!r.parameters.empty()) o["QueryParameters"] = parameters_json(r.parameters);
    if (r.is_batch) {
        json::array sqls;
        for (const auto& sub : r.subs) sqls.push_back(json::string(sub->query_string));
        o["QueryStrings"] = std::move(sqls);
    } else {
        o["QueryString"] = r.query_string;
    }
    return o;
}

}  // namespace localaws::data_api
