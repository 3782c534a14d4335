#include "tools/localaws/serverless/workgroup_operations.hpp"

#include "tools/localaws/server/app.hpp"
#include "tools/localaws/serverless/database.hpp"
#include "tools/localaws/serverless/serverless_json.hpp"

#include <boost/json.hpp>

namespace localaws::serverless {
namespace json = boost::json;
namespace {

// The model's Workgroup structure, with what localaws can say truthfully: no VPC, no capacity
// changes, always AVAILABLE. `port` and `endpoint.port` are the database's real port (AWS's
// default would be 5439).
json::object workgroup_json(const workgroup& w, const database* db) {
    json::object o{{"workgroupName", w.name},           {"workgroupId", w.id},         {"workgroupArn", w.arn},
                   {"namespaceName", w.namespace_name}, {"status", "AVAILABLE"},       {"baseCapacity", 128},
                   {"enhancedVpcRouting", false},       {"publiclyAccessible", false}, {"subnetIds", json::array{}},
                   {"securityGroupIds", json::array{}}};
    if (!w.custom_domain_name.empty()) o["customDomainName"] = w.custom_domain_name;
    if (db) {
        endpoint e = db->address();
        o["port"] = e.port;
        o["endpoint"] = json::object{{"address", e.address}, {"port", e.port}, {"vpcEndpoints", json::array{}}};
    }
    return o;
}

}  // namespace

service_response get_workgroup(request_context& ctx) {
    app& a = ctx.application;
    auto in = request_object(ctx.body);
    if (!in) return service_response::from_error({400, "SerializationException", "", {}, true});
    const std::string name = string_member(*in, "workgroupName");
    if (name.empty())
        return service_response::from_error(validation(
            "1 validation error detected: Value null at 'workgroupName' failed to satisfy constraint: Member must not "
            "be null"));
    if (auto bad = check_workgroup_name(name, "workgroupName")) return service_response::from_error(*bad);
    // IAM first (the ARN the workgroup has or would have): no answer tells a caller without the
    // permission whether the workgroup exists.
    const std::string& account = ctx.principal.account_id;
    if (auto denied = ctx.authorize("redshift-serverless:GetWorkgroup", a.workgroup_arn_for(account, name)))
        return service_response::from_error(*denied);
    const workgroup* w = a.find_workgroup(account, name);
    if (!w) return service_response::from_error(not_found("Workgroup " + name + " not found."));
    return json_ok({{"workgroup", workgroup_json(*w, a.database())}});
}

service_response list_workgroups(request_context& ctx) {
    app& a = ctx.application;
    if (!request_object(ctx.body)) return service_response::from_error({400, "SerializationException", "", {}, true});
    // ListWorkgroups has no resource-level permissions in IAM: "*" is its resource.
    if (auto denied = ctx.authorize("redshift-serverless:ListWorkgroups", "*"))
        return service_response::from_error(*denied);
    json::array out;
    for (const auto& w : a.workgroups())
        if (w.account_id == ctx.principal.account_id) out.push_back(workgroup_json(w, a.database()));
    return json_ok({{"workgroups", std::move(out)}});
}

}  // namespace localaws::serverless
