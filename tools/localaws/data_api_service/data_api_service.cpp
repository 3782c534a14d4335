#include "tools/localaws/data_api_service/data_api_service.hpp"

#include "tools/localaws/admin/faults.hpp"
#include "tools/localaws/data_api/json_dispatch.hpp"
#include "tools/localaws/data_api/redshift_dialect.hpp"
#include "tools/localaws/data_api/statement_engine.hpp"
#include "tools/localaws/data_api_service/workgroup_database.hpp"
#include "tools/localaws/iam/directory.hpp"
#include "tools/localaws/pg_frontend/frontend.hpp"
#include "tools/localaws/redshift/identity.hpp"
#include "tools/localaws/s3/disk_store.hpp"
#include "tools/localaws/server/app.hpp"
#include "tools/localaws/server/blocking.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cstdio>
#include <mutex>
#include <stdexcept>

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
    runtime(app& a, const std::filesystem::path& data_dir, int pg_port) : app_(a), database_(a, data_dir, pg_port) {}

    std::string prepare() {
        if (auto e = database_.prepare(); !e.empty()) return e;
        // The workgroup endpoint: localaws's own PostgreSQL front end, so statements there get the
        // Redshift dialect (UNLOAD, COPY, GETDATE(), …) as on the Data API.
        const auto tls_dir = database_.cluster().ca_file().parent_path();
        pg_frontend::frontend_options fo;
        fo.port = database_.address().port;
        fo.cert_file = tls_dir / "server.crt";
        fo.key_file = tls_dir / "server.key";
        fo.dialect = [this](std::string& error) -> const da::dialect_hooks* {
            error = ensure_started();
            return error.empty() ? &dialect_ : nullptr;
        };
        fo.backend_conninfo = [this](const std::string& database, const std::string& user) {
            return database_.backend_conninfo(database, user);
        };
        frontend_ = std::make_unique<pg_frontend::frontend>(std::move(fo));
        if (auto e = frontend_->start(); !e.empty()) return "the workgroup endpoint: " + e;
        return {};
    }
    bool cluster_exists() { return database_.cluster().exists(); }
    serverless::endpoint endpoint() const override { return database_.address(); }

    // PostgreSQL starts on the first Data API or GetCredentials call when localaws created no
    // cluster yet (see start()). Safe to call from any thread; a failure is reported to that call
    // and retried by the next one.
    std::string ensure_started() {
        std::lock_guard lock(start_mutex_);
        if (engine_) return {};
        if (auto e = database_.ensure_started(); !e.empty()) return e;
        rs::bulk::environment env;
        env.store = &app_.store();
        env.region = app_.region();
        env.default_iam_role = "arn:aws:iam::111122223333:role/shiftsync-connector";
        env.check_role = [this](const std::string& role_arn, const std::string& action,
                                const std::string& resource) { return check_role(role_arn, action, resource); };
        da::engine_options options;
        options.workgroups.clear();
        for (const auto& wg : app_.workgroups()) options.workgroups.push_back(wg.name);
        options.dialect = da::make_redshift_dialect(database_.cluster(), env);
        dialect_ = options.dialect;  // the endpoint's sessions use the same hooks
        // Redshift Serverless runs up to 200 statements at once; 64 PostgreSQL workers (mostly
        // waiting, not computing) let clients that pipeline many statements see that.
        options.workers = 64;
        options.hold_after_started = [this] { return statement_started_hold(); };
        engine_ = std::make_unique<da::statement_engine>(database_.cluster(), database_.identities(), options);
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
        // GetCredentials' passwords and GetWorkgroup's endpoint are this database's.
        app_.attach_database(&database_);
    }

private:
    boost::asio::awaitable<service_response> handle(request_context& ctx) {
        boost::system::error_code ec;
        json::value body = json::parse(ctx.body.empty() ? std::string_view("{}") : std::string_view(ctx.body), ec);
        if (ec || !body.is_object())
            co_return service_response::from_error({400, "SerializationException", "the body is not a JSON object", {}, true});
        // Statement-level calls name no workgroup; the guide's policy grants them on "*". A call
        // naming one is authorised on the ARN that workgroup has (or would have) in the caller's
        // account before anything looks it up, so a caller without permission learns nothing of
        // its existence; one that exists only in another account is then not found.
        std::string resource = "*";
        std::string workgroup;
        if (const auto* wg_name = body.as_object().if_contains("WorkgroupName"); wg_name && wg_name->is_string()) {
            workgroup = wg_name->as_string();
            resource = app_.workgroup_arn_for(ctx.principal.account_id, workgroup);
        }
        if (auto denied = ctx.authorize("redshift-data:" + ctx.operation, resource))
            co_return service_response::from_error(*denied);
        if (!workgroup.empty() && !app_.find_workgroup(ctx.principal.account_id, workgroup))
            co_return to_response(da::not_found_error("Workgroup " + workgroup + " not found", workgroup));

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
        if (!out) co_return to_response(out.error());
        service_response response;
        response.body = std::move(out.value());
        response.add_header("Content-Type", "application/x-amz-json-1.1");
        co_return response;
    }

    static service_response to_response(const da::api_error& e) {
        aws_error error{e.http_status, e.code, e.message, {}, e.http_status < 500};
        for (const auto& [k, v] : e.extra)
            if (v.is_string()) error.details.emplace_back(std::string(k), std::string(v.as_string()));
        return service_response::from_error(std::move(error));
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
    workgroup_database database_;
    std::mutex start_mutex_;
    std::unique_ptr<da::statement_engine> engine_;
    da::dialect_hooks dialect_;
    // Last: stopped (its sessions closed) before the engine and the database go.
    std::unique_ptr<pg_frontend::frontend> frontend_;
};

}  // namespace

std::unique_ptr<data_api_service> data_api_service::start(app& application, const std::filesystem::path& data_dir,
                                                          int pg_port) {
    auto service = std::make_unique<runtime>(application, data_dir, pg_port);
    if (auto e = service->prepare(); !e.empty()) throw std::runtime_error(e);
    service->register_operations();
    // A cluster from an earlier run starts now, before "ready": the endpoint is up for the
    // passwords issued before the restart, as Redshift's stays up. (A fresh data dir creates its
    // cluster on first use: most uses never need it, and initdb costs a second.) A failure leaves
    // localaws serving everything else; each Data API call tries again and reports it.
    if (service->cluster_exists())
        if (auto e = service->ensure_started(); !e.empty()) {
            std::replace(e.begin(), e.end(), '\n', ' ');
            std::fprintf(stderr, "localaws: %s\n", e.c_str());
        }
    return service;
}

}  // namespace localaws
