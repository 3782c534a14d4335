#include "tools/shiftsync/connection/connection.hpp"

#include "aws/config/shared_config.hpp"
#include "aws/credentials/chain.hpp"

#include <fmt/core.h>

#include <cstdlib>

namespace shiftsync::cli {
namespace {

const char* env(const char* name) {
    const char* v = std::getenv(name);
    return v && *v ? v : nullptr;
}

}  // namespace

// --region, else AWS_REGION / AWS_DEFAULT_REGION, else the profile's region.
std::string resolve_region(const connection_flags& flags, const aws::config::shared_config* config) {
    if (!flags.region.empty()) return flags.region;
    if (const char* r = env("AWS_REGION")) return r;
    if (const char* r = env("AWS_DEFAULT_REGION")) return r;
    if (config) {
        std::string name = flags.profile.empty() ? aws::config::profile_name_from_environment() : flags.profile;
        if (const auto* p = config->find_profile(name))
            if (auto r = p->get("region")) return *r;
    }
    return {};
}

void connection_flags::add_to(CLI::App& command) {
    command.add_option("--workgroup", workgroup, "Redshift Serverless workgroup")->capture_default_str();
    command.add_option("--database", database, "Database")->capture_default_str();
    add_aws_to(command);
    add_endpoint_to(command);
}

void connection_flags::add_endpoint_to(CLI::App& command) {
    command.add_option("--connection-method", connection_method,
                       "data-api (HTTPS) or endpoint (the workgroup's PostgreSQL-protocol endpoint)")
        ->check(CLI::IsMember({"data-api", "endpoint"}))
        ->capture_default_str();
    command.add_option("--db-endpoint", db_endpoint,
                       "The endpoint as HOST:PORT (default: <workgroup>.<account>.<region>.redshift-serverless."
                       "amazonaws.com:5439)");
    command.add_flag("--discover-endpoint", discover_endpoint,
                     "Ask GetWorkgroup where the endpoint is (needs redshift-serverless:GetWorkgroup)");
    command.add_option("--db-ca", db_ca, "CA bundle to verify the endpoint's certificate (default: the system's)");
    command.add_option("--db-sslmode", db_sslmode, "TLS verification: verify-full, verify-ca or require")
        ->check(CLI::IsMember({"verify-full", "verify-ca", "require"}))
        ->capture_default_str();
}

void connection_flags::add_aws_to(CLI::App& command) {
    command.add_option("--region", region, "AWS region (default: AWS_REGION or the profile's)");
    command.add_option("--profile", profile, "Profile in the shared config/credentials files");
    command.add_option("--role-arn", role_arn, "IAM role to assume (the customer's connector role)");
    command.add_option("--external-id", external_id, "ExternalId the role's trust policy requires");
    command.add_option("--endpoint-url", endpoint_url, "Send every AWS call here (localaws, a VPC endpoint)");
}

void report(std::string_view command, std::string_view what, const boost::system::error_code& ec,
            const aws::diagnostics& diag) {
    std::string detail = diag.code.empty() && diag.client_note.empty() ? ec.message() : diag.to_string();
    fmt::print(stderr, "shiftsync {}: {}: {}\n", command, what, detail);
}

std::optional<resolved_service> resolve_service(const connection_flags& flags, engine::http::client& http,
                                                aws::endpoints::service service, aws::wire_protocol protocol) {
    std::string error;
    auto config = aws::config::shared_config::load(aws::config::file_locations::from_environment(), error);
    if (!config) {
        fmt::print(stderr, "shiftsync: cannot read the AWS config files: {}\n", error);
        return std::nullopt;
    }
    std::string region = resolve_region(flags, &*config);
    if (region.empty()) {
        fmt::print(stderr, "shiftsync: no region. Pass --region, set AWS_REGION, or set region in the profile.\n");
        return std::nullopt;
    }
    std::string profile_name = flags.profile.empty() ? aws::config::profile_name_from_environment() : flags.profile;
    aws::endpoints::endpoint_sources sources{.explicit_url = flags.endpoint_url, .config = &*config,
                                             .profile = config->find_profile(profile_name)};
    aws::chain_settings chain{.profile = flags.profile,
                              .region = region,
                              .role_arn = flags.role_arn,
                              .external_id = flags.external_id,
                              .sts_endpoint_sources = {.explicit_url = flags.endpoint_url}};
    aws::diagnostics diag;
    auto credentials = aws::make_credentials_chain(http, chain, diag);
    if (!credentials) {
        report("", "credentials", credentials.error(), diag);
        return std::nullopt;
    }
    auto endpoint = aws::endpoints::resolve(service, region, sources, error);
    if (!endpoint) {
        const bool s3 = service == aws::endpoints::service::s3;
        fmt::print(stderr, "shiftsync: {} endpoint: {}\n", s3 ? "S3" : "Redshift Data API", error);
        return std::nullopt;
    }
    return resolved_service{aws::service_target{service, *endpoint, region, protocol}, *credentials};
}

std::unique_ptr<connection> connection::open(const connection_flags& flags) {
    std::unique_ptr<connection> c(new connection(flags));
    c->http_ = std::make_unique<engine::http::client>(c->ctx_.get_executor());
    auto data_api = resolve_service(flags, *c->http_, aws::endpoints::service::redshift_data,
                                    aws::wire_protocol::json_1_1);
    if (!data_api) return nullptr;
    c->service_ = std::make_unique<aws::service_client>(*c->http_, data_api->credentials, data_api->target);
    c->data_ = std::make_unique<aws::redshift_data::redshift_data_client>(*c->service_);
    return c;
}

}  // namespace shiftsync::cli
