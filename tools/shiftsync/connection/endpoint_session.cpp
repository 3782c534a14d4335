#include "tools/shiftsync/connection/endpoint_session.hpp"

#include "aws/sts/sts_client.hpp"

#include <fmt/core.h>

#include <optional>

namespace shiftsync::cli {

namespace ep = shiftsync::transfer::endpoint;
namespace rs = aws::redshift_serverless;

namespace {

// The account the role (or else the caller's identity) belongs to.
std::optional<std::string> account_id(const connection_flags& flags, engine::http::client& http,
                                      boost::asio::io_context& ctx, const resolved_service& serverless,
                                      bool& usage_error) {
    if (!flags.role_arn.empty()) {
        if (auto account = ep::account_of_arn(flags.role_arn)) return account;
        fmt::print(stderr, "shiftsync: --role-arn {} is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)\n",
                   flags.role_arn);
        usage_error = true;
        return std::nullopt;
    }
    auto sts = resolve_service(flags, http, aws::endpoints::service::sts, aws::wire_protocol::query);
    if (!sts) {
        usage_error = true;
        return std::nullopt;
    }
    aws::service_client service(http, serverless.credentials, sts->target);
    aws::sts::sts_client client(service);
    aws::diagnostics diag;
    auto identity = run_to_completion(ctx, client.async_get_caller_identity(diag));
    if (!identity) {
        diag.client_note = "shiftsync asks STS which account it is in to name the workgroup's endpoint; pass "
                           "--db-endpoint HOST:PORT to skip that";
        report("endpoint", "GetCallerIdentity", identity.error(), diag);
        return std::nullopt;
    }
    return identity->account;
}

}  // namespace

std::unique_ptr<endpoint_session> endpoint_session::open(connection& conn, bool& usage_error) {
    return open(conn.flags(), conn.http(), conn.context(), usage_error);
}

std::unique_ptr<endpoint_session> endpoint_session::open(const connection_flags& flags, engine::http::client& http,
                                                         boost::asio::io_context& ctx, bool& usage_error) {
    usage_error = false;
    auto serverless = resolve_service(flags, http, aws::endpoints::service::redshift_serverless,
                                      aws::wire_protocol::json_1_1);
    if (!serverless) {
        usage_error = true;
        return nullptr;
    }
    std::unique_ptr<endpoint_session> s(new endpoint_session());
    s->executor_ = ctx.get_executor();
    s->serverless_service_ =
        std::make_unique<aws::service_client>(http, serverless->credentials, serverless->target);
    s->serverless_ = std::make_unique<rs::redshift_serverless_client>(*s->serverless_service_);

    ep::endpoint_settings settings;
    settings.database = flags.database;
    settings.sslmode = flags.db_sslmode;
    settings.ca_file = flags.db_ca;
    if (!flags.db_endpoint.empty()) {
        std::string why;
        auto address = ep::parse_endpoint_address(flags.db_endpoint, why);
        if (!address) {
            fmt::print(stderr, "shiftsync: --db-endpoint {}: {}\n", flags.db_endpoint, why);
            usage_error = true;
            return nullptr;
        }
        settings.address = *address;
        settings.address_origin = "--db-endpoint";
    } else if (flags.discover_endpoint) {
        aws::diagnostics diag;
        auto workgroup = run_to_completion(ctx, s->serverless_->async_get_workgroup(flags.workgroup, diag));
        if (!workgroup) {
            if (diag.code == "AccessDeniedException")
                diag.client_note = "--discover-endpoint needs redshift-serverless:GetWorkgroup, which the connector "
                                   "guide's role does not have; leave it out (shiftsync then names the endpoint as "
                                   "AWS does) or pass --db-endpoint HOST:PORT";
            report("endpoint", "GetWorkgroup " + flags.workgroup, workgroup.error(), diag);
            return nullptr;
        }
        if (!workgroup->endpoint) {
            fmt::print(stderr, "shiftsync: the workgroup {} has no endpoint yet (status {})\n", flags.workgroup,
                       workgroup->status);
            return nullptr;
        }
        settings.address = {workgroup->endpoint->address, workgroup->endpoint->port};
        settings.address_origin = "from GetWorkgroup";
    } else {
        auto account = account_id(flags, http, ctx, *serverless, usage_error);
        if (!account) return nullptr;
        settings.address = ep::derived_endpoint(flags.workgroup, *account, serverless->target.region);
        settings.address_origin = "named from the workgroup, account and region; --db-endpoint overrides it";
    }
    rs::get_credentials_request request{.workgroup_name = flags.workgroup, .db_name = flags.database};
    s->credentials_ = std::make_unique<ep::credential_cache>(*s->serverless_, std::move(request));
    s->pool_ = std::make_unique<ep::endpoint_pool>(s->executor_, *s->credentials_, std::move(settings));
    return s;
}

ep::endpoint_pool& endpoint_session::pool_for(const std::string& database) {
    if (database == pool_->settings().database) return *pool_;
    auto& other = others_[database];
    if (!other.pool) {
        auto request = credentials_->request();
        request.db_name = database;
        ep::endpoint_settings settings = pool_->settings();
        settings.database = database;
        other.credentials = std::make_unique<ep::credential_cache>(*serverless_, std::move(request));
        other.pool = std::make_unique<ep::endpoint_pool>(executor_, *other.credentials, std::move(settings));
    }
    return *other.pool;
}

}  // namespace shiftsync::cli
