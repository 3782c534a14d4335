#include "tools/localaws/serverless/serverless_service.hpp"

#include "tools/localaws/iam/directory.hpp"
#include "tools/localaws/server/app.hpp"
#include "tools/localaws/server/blocking.hpp"
#include "tools/localaws/serverless/database.hpp"
#include "tools/localaws/serverless/serverless_json.hpp"
#include "tools/localaws/serverless/workgroup_operations.hpp"

#include <boost/json.hpp>

#include <variant>

namespace localaws {
namespace asio = boost::asio;
namespace json = boost::json;
namespace {

using serverless::check_workgroup_name;
using serverless::json_ok;
using serverless::not_found;
using serverless::validation;

double epoch_seconds(std::chrono::system_clock::time_point t) {
    return static_cast<double>(std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count());
}

struct credentials_request {
    std::string workgroup_name;
    std::string custom_domain_name;
    std::string database;
    long long duration_seconds = 900;
};

// Syntax first, as AWS checks it: these errors come before IAM has a say.
std::variant<credentials_request, aws_error> read_request(const std::string& body) {
    auto in = serverless::request_object(body);
    if (!in) return aws_error{400, "SerializationException", "", {}, true};
    credentials_request r;
    r.workgroup_name = serverless::string_member(*in, "workgroupName");
    r.custom_domain_name = serverless::string_member(*in, "customDomainName");
    r.database = serverless::string_member(*in, "dbName");
    if (const auto* d = in->if_contains("durationSeconds")) {
        if (!d->is_int64()) return validation("durationSeconds must be an integer");
        r.duration_seconds = d->as_int64();
    }
    if (r.workgroup_name.empty() && r.custom_domain_name.empty())
        return validation("Either workgroupName or customDomainName must be specified.");
    if (!r.workgroup_name.empty())
        if (auto bad = check_workgroup_name(r.workgroup_name, "workgroupName")) return *bad;
    if (r.duration_seconds < 900 || r.duration_seconds > 3600)
        return validation(
            "1 validation error detected: Value at 'durationSeconds' failed to satisfy constraint: Member "
            "must have value between 900 and 3600");
    return r;
}

// The caller's workgroup the request names (by name, or by its custom domain), or null.
const serverless::workgroup* named_workgroup(const app& a, const std::string& account, const credentials_request& r) {
    if (!r.workgroup_name.empty()) return a.find_workgroup(account, r.workgroup_name);
    for (const auto& w : a.workgroups())
        if (w.account_id == account && !w.custom_domain_name.empty() && w.custom_domain_name == r.custom_domain_name)
            return &w;
    return nullptr;
}

asio::awaitable<service_response> get_credentials(request_context& ctx) {
    app& a = ctx.application;
    auto parsed = read_request(ctx.body);
    if (const auto* bad = std::get_if<aws_error>(&parsed)) co_return service_response::from_error(*bad);
    const auto& in = std::get<credentials_request>(parsed);
    const std::string& account = ctx.principal.account_id;

    // IAM before existence: a caller whose policies do not allow the action is told so whether or
    // not the workgroup exists (AWS evaluates identity policies first and reveals nothing). The
    // resource is the workgroup's ARN, or the one it would have in the caller's account.
    const serverless::workgroup* wg = named_workgroup(a, account, in);
    std::string resource;
    if (wg)
        resource = wg->arn;
    else if (!in.workgroup_name.empty())
        resource = a.workgroup_arn_for(account, in.workgroup_name);
    else
        resource = a.workgroup_arn_for(account, in.custom_domain_name);
    if (auto denied = ctx.authorize("redshift-serverless:GetCredentials", resource))
        co_return service_response::from_error(*denied);
    if (!wg && !in.workgroup_name.empty())
        co_return service_response::from_error(not_found("Workgroup " + in.workgroup_name + " not found."));
    if (!wg)
        co_return service_response::from_error(
            not_found("No workgroup is associated with the custom domain " + in.custom_domain_name + "."));
    const auto& dbs = wg->databases;
    if (!in.database.empty() && std::find(dbs.begin(), dbs.end(), in.database) == dbs.end())
        co_return service_response::from_error(
            validation("Database " + in.database + " does not exist in workgroup " + wg->name + "."));
    std::string user = ctx.principal.redshift_db_user();
    if (user.empty())
        co_return service_response::from_error(validation("Only IAM users and roles can get credentials."));

    serverless::db_credentials creds;
    creds.workgroup = wg->name;
    if (!in.database.empty())
        creds.database = in.database;
    else if (!dbs.empty())
        creds.database = dbs.front();
    else
        creds.database = "dev";
    creds.db_user = user;
    // Redshift's temporary passwords are long opaque strings; this one only has to be unguessable.
    creds.db_password = iam::random_secret(64);
    creds.expiration =
        std::chrono::time_point_cast<std::chrono::seconds>(a.now() + std::chrono::seconds(in.duration_seconds));
    if (auto it = ctx.principal.tags.find("RedshiftDbRoles"); it != ctx.principal.tags.end())
        creds.db_roles = it->second;
    // The password must work on the endpoint before the caller holds it (blocking: SQL, and the
    // first call starts PostgreSQL).
    if (serverless::database* db = a.database()) {
        auto make_real = [db, creds] { return db->issue(creds); };
        std::string failure = co_await offload(a.blocking_pool(), make_real);
        if (!failure.empty()) {
            aws_error e{500, "InternalServerException", "The credentials could not be issued.", {}, false};
            e.cause = "the database refused " + creds.db_user + "'s password: " + failure;
            co_return service_response::from_error(std::move(e));
        }
    }
    co_return json_ok({{"dbUser", creds.db_user},
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
    r.add_operation(
        "redshift-serverless", "GetCredentials",
        [](request_context& ctx) -> asio::awaitable<service_response> { co_return co_await get_credentials(ctx); });
    r.add_operation(
        "redshift-serverless", "GetWorkgroup",
        [](request_context& ctx) -> asio::awaitable<service_response> { co_return serverless::get_workgroup(ctx); });
    r.add_operation(
        "redshift-serverless", "ListWorkgroups",
        [](request_context& ctx) -> asio::awaitable<service_response> { co_return serverless::list_workgroups(ctx); });
}

}  // namespace localaws
