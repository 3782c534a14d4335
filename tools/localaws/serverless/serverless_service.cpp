#include "tools/localaws/serverless/serverless_service.hpp"

#include "tools/localaws/iam/directory.hpp"
#include "tools/localaws/server/app.hpp"

#include <boost/json.hpp>

namespace localaws {
namespace asio = boost::asio;
namespace json = boost::json;
namespace {

aws_error validation(std::string message) { return {400, "ValidationException", std::move(message), {}, true}; }

service_response json_ok(const json::object& o) {
    service_response r;
    r.body = json::serialize(o);
    r.add_header("Content-Type", "application/x-amz-json-1.1");
    return r;
}

double epoch_seconds(std::chrono::system_clock::time_point t) {
    return static_cast<double>(std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count());
}

service_response get_credentials(request_context& ctx) {
    app& a = ctx.application;
    boost::system::error_code ec;
    auto v = json::parse(ctx.body.empty() ? std::string_view("{}") : std::string_view(ctx.body), ec);
    if (ec || !v.is_object()) return service_response::from_error({400, "SerializationException", "", {}, true});
    const auto& in = v.as_object();
    auto str = [&](std::string_view k) {
        const auto* x = in.if_contains(k);
        return x && x->is_string() ? std::string(x->as_string()) : std::string{};
    };
    std::string name = str("workgroupName");
    std::string db = str("dbName");
    long long duration = 900;
    if (const auto* d = in.if_contains("durationSeconds")) {
        if (!d->is_int64()) return service_response::from_error(validation("durationSeconds must be an integer"));
        duration = d->as_int64();
    }
    if (name.empty() && str("customDomainName").empty())
        return service_response::from_error(validation("Either workgroupName or customDomainName must be specified."));
    if (duration < 900 || duration > 3600)
        return service_response::from_error(
            validation("1 validation error detected: Value at 'durationSeconds' failed to satisfy constraint: Member "
                       "must have value between 900 and 3600"));
    const serverless::workgroup* wg = a.find_workgroup(name);
    if (!wg || wg->account_id != ctx.principal.account_id)
        return service_response::from_error({400, "ResourceNotFoundException", "Workgroup " + name + " not found.", {}, true});
    if (auto denied = ctx.authorize("redshift-serverless:GetCredentials", wg->arn))
        return service_response::from_error(*denied);
    if (!db.empty() && std::find(wg->databases.begin(), wg->databases.end(), db) == wg->databases.end())
        return service_response::from_error(validation("Database " + db + " does not exist in workgroup " + name + "."));
    std::string user = ctx.principal.redshift_db_user();
    if (user.empty()) return service_response::from_error(validation("Only IAM users and roles can get credentials."));

    serverless::db_credentials creds;
    creds.workgroup = wg->name;
    creds.database = db.empty() ? (wg->databases.empty() ? "dev" : wg->databases.front()) : db;
    creds.db_user = user;
    // Redshift's temporary passwords are long opaque strings; this one only has to be unguessable.
    creds.db_password = iam::random_secret(64);
    auto now = a.now();
    creds.expiration = std::chrono::time_point_cast<std::chrono::seconds>(now + std::chrono::seconds(duration));
    if (auto it = ctx.principal.tags.find("RedshiftDbRoles"); it != ctx.principal.tags.end()) creds.db_roles = it->second;
    a.notify_db_credentials(creds);
    return json_ok({{"dbUser", creds.db_user},
                    {"dbPassword", creds.db_password},
                    {"expiration", epoch_seconds(creds.expiration)},
                    {"nextRefreshTime", epoch_seconds(creds.expiration)}});
}

}  // namespace

void register_serverless(app& a) {
    auto& r = a.services();
    r.add_service({.signing_name = "redshift-serverless",
                   .protocol = protocol::json_1_1,
                   .target_prefix = "RedshiftServerless",
                   .xml_namespace = {},
                   .resolve_operation = {}});
    r.add_operation("redshift-serverless", "GetCredentials", [](request_context& ctx) -> asio::awaitable<service_response> {
        co_return get_credentials(ctx);
    });
}

}  // namespace localaws
