#include "tools/localaws/data_api_service/data_api_service.hpp"

#include "tools/localaws/admin/faults.hpp"
#include "tools/localaws/data_api/json_dispatch.hpp"
#include "tools/localaws/data_api/redshift_dialect.hpp"
#include "tools/localaws/data_api/statement_engine.hpp"
#include "tools/localaws/iam/directory.hpp"
#include "tools/localaws/redshift/identity.hpp"
#include "tools/localaws/redshift/pg/cluster.hpp"
#include "tools/localaws/redshift/sql_functions.hpp"
#include "tools/localaws/s3/disk_store.hpp"
#include "tools/localaws/server/app.hpp"
#include "tools/localaws/server/blocking.hpp"

#include <boost/json.hpp>

#include <mutex>
#include <stdexcept>

#include <unistd.h>

namespace localaws {
namespace {

namespace json = boost::json;
namespace da = data_api;
namespace rs = redshift;

// Every operation of botocore's redshift-data model. The connector guide's policy grants eight of
// them; the others (BatchExecuteStatement, GetStatementResultV2, ListStatements) are denied to the
// documented role by IAM, as in AWS.
constexpr const char* operations[] = {
    "BatchExecuteStatement", "CancelStatement", "DescribeStatement", "DescribeTable",
    "ExecuteStatement",      "GetStatementResult", "GetStatementResultV2", "ListDatabases",
    "ListSchemas",           "ListStatements",   "ListTables",
};

class runtime final : public data_api_service {
public:
    runtime(app& a, const std::filesystem::path& data_dir)
        : app_(a), data_dir_(data_dir), cluster_({.dir = data_dir / "postgres"}), identities_(cluster_) {}

    // PostgreSQL starts on the first Data API or GetCredentials call, not with localaws: most uses
    // (S3, STS) never need it, and initdb costs a second. Safe to call from any thread; a failure
    // is reported to that call and retried by the next one.
    std::string ensure_started() {
        std::lock_guard lock(start_mutex_);
        if (engine_) return {};
        // PostgreSQL runs as its own OS user when localaws runs as root; it must be able to
        // traverse the data dir (a mkdtemp directory is 0700). Execute-only: nothing is listable.
        if (::geteuid() == 0) {
            std::error_code ec;
            std::filesystem::permissions(data_dir_, std::filesystem::perms::others_exec | std::filesystem::perms::group_exec,
                                         std::filesystem::perm_options::add, ec);
        }
        if (auto e = cluster_.start(); !e.empty()) return "PostgreSQL for the Data API: " + e;
        if (auto e = identities_.ensure_default_setup("dev", "rss_admin"); !e.empty())
            return "Data API default setup: " + e;
        if (auto e = rs::install_sql_functions(cluster_); !e.empty()) return "Data API default setup: " + e;
        rs::bulk::environment env;
        env.store = &app_.store();
        env.region = app_.region();
        env.default_iam_role = "arn:aws:iam::111122223333:role/shiftsync-connector";
        env.check_role = [this](const std::string& role_arn, const std::string& action,
                                const std::string& resource) { return check_role(role_arn, action, resource); };
        da::engine_options options;
        options.workgroups.clear();
        for (const auto& wg : app_.workgroups()) options.workgroups.push_back(wg.name);
        options.dialect = da::make_redshift_dialect(cluster_, env);
        // Redshift Serverless runs up to 200 statements at once; 64 PostgreSQL workers (mostly
        // waiting, not computing) let clients that pipeline many statements see that.
        options.workers = 64;
        options.hold_after_started = [this] { return statement_started_hold(); };
        engine_ = std::make_unique<da::statement_engine>(cluster_, identities_, options);
        return {};
    }

    void register_operations() {
        auto& r = app_.services();
        r.add_service({.signing_name = "redshift-data", .protocol = protocol::json_1_1, .target_prefix = "RedshiftData"});
        for (const char* op : operations) {
            r.add_operation("redshift-data", op, [this](request_context& ctx) -> boost::asio::awaitable<service_response> {
                co_return co_await handle(ctx);
            });
        }
        // GetCredentials' password must work on the cluster before the caller can use it.
        app_.on_db_credentials([this](const serverless::db_credentials& c) {
            // Blocking, on the GetCredentials handler's thread: the password must exist before the
            // caller gets it. (The first call also starts PostgreSQL.)
            if (!ensure_started().empty()) return;
            rs::db_identity who{c.db_user, rs::split_db_roles(c.db_roles)};
            identities_.set_password(who, c.database, c.db_password, c.expiration);
        });
    }

private:
    boost::asio::awaitable<service_response> handle(request_context& ctx) {
        boost::system::error_code ec;
        json::value body = json::parse(ctx.body.empty() ? std::string_view("{}") : std::string_view(ctx.body), ec);
        if (ec || !body.is_object())
            co_return service_response::from_error({400, "SerializationException", "the body is not a JSON object", {}, true});
        // Statement-level calls name no workgroup; the guide's policy grants them on "*".
        std::string resource = "*";
        if (const auto* wg_name = body.as_object().if_contains("WorkgroupName"); wg_name && wg_name->is_string())
            if (const auto* wg = app_.find_workgroup(std::string(wg_name->as_string()))) resource = wg->arn;
        if (auto denied = ctx.authorize("redshift-data:" + ctx.operation, resource))
            co_return service_response::from_error(*denied);

        std::string tag;
        if (auto it = ctx.principal.tags.find("RedshiftDbRoles"); it != ctx.principal.tags.end()) tag = it->second;
        da::caller who{ctx.principal.arn, {rs::db_user_for_arn(ctx.principal.arn), rs::split_db_roles(tag)}};
        // Blocking (SQL for the catalog calls): on the blocking pool, never the network thread.
        auto work = [this, operation = ctx.operation, who = std::move(who),
                     request = std::move(body.as_object())]() -> da::result<std::string> {
            if (auto e = ensure_started(); !e.empty()) return da::api_error{"InternalServerException", e, {}, 500};
            // Serialized here, off the network thread: a GetStatementResult page is ~1 MB.
            return da::dispatch_body(*engine_, operation, who, request);
        };
        auto out = co_await offload(app_.blocking_pool(), work);
        service_response response;
        if (out) {
            response.body = std::move(out.value());
            response.add_header("Content-Type", "application/x-amz-json-1.1");
            co_return response;
        }
        const auto& e = out.error();
        aws_error error{e.http_status, e.code, e.message, {}, e.http_status < 500};
        for (const auto& [k, v] : e.extra)
            if (v.is_string()) error.details.emplace_back(std::string(k), std::string(v.as_string()));
        co_return service_response::from_error(std::move(error));
    }

    // The fault rule {"service": "redshift-data", "operation": "StatementStarted", "latency_ms": N}
    // holds each statement up to N ms between STARTED and sending its SQL (a cancel ends the hold).
    // No request carries that operation name, so the rule never delays a call; only exact names
    // count ("*" rules are for requests), so no other test's rule changes how statements run.
    std::chrono::milliseconds statement_started_hold() {
        return app_.faults().exact_latency("redshift-data", "StatementStarted");
    }

    // UNLOAD/COPY acting with IAM_ROLE: Redshift must be trusted by the role, and the role's policy
    // must allow the S3 action.
    std::optional<std::string> check_role(const std::string& role_arn, const std::string& action,
                                          const std::string& resource) {
        const iam::role* role = app_.iam().find_role(role_arn);
        if (!role) return "the role " + role_arn + " does not exist";
        if (action == "sts:AssumeRole") {
            if (app_.iam().service_may_assume(*role, "redshift.amazonaws.com")) return std::nullopt;
            return "Not authorized to get credentials of role " + role_arn;
        }
        auto session = app_.iam().principal_for_role(*role, "RedshiftIamRoleSession");
        if (app_.iam().authorize(session, action, resource, {}) == iam::decision::allow) return std::nullopt;
        return role_arn + " is not authorized to perform " + action + " on " + resource;
    }

    app& app_;
    std::filesystem::path data_dir_;
    std::mutex start_mutex_;
    rs::pg::cluster cluster_;
    rs::identity_provisioner identities_;
    std::unique_ptr<da::statement_engine> engine_;
};

}  // namespace

std::unique_ptr<data_api_service> data_api_service::start(app& application, const std::filesystem::path& data_dir) {
    auto service = std::make_unique<runtime>(application, data_dir);
    service->register_operations();
    return service;
}

}  // namespace localaws
