#include "aws/credentials/chain.hpp"

#include "aws/credentials/assume_role_provider.hpp"
#include "aws/credentials/environment_provider.hpp"
#include "aws/credentials/metadata_endpoint.hpp"
#include "aws/credentials/refreshing_provider.hpp"
#include "aws/sts/sts_client.hpp"

#include <fstream>
#include <sstream>
#include <vector>

namespace shiftsync::aws {
namespace {

namespace http = engine::http;

using detail::env_value;

// AWS_EC2_METADATA_DISABLED=true (any case, as botocore reads it) keeps the chain off IMDS.
bool imds_disabled(const endpoints::env_lookup& env) {
    const char* v = env_value(env, "AWS_EC2_METADATA_DISABLED");
    if (!v) return false;
    std::string value(v);
    for (auto& ch : value) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return value == "true";
}

class web_identity_provider final : public refreshing_provider {
public:
    web_identity_provider(std::shared_ptr<service_client> sts, std::string token_file, std::string role_arn,
                          std::string session_name)
        : refreshing_provider({}), sts_(std::move(sts)), token_file_(std::move(token_file)),
          role_arn_(std::move(role_arn)), session_name_(std::move(session_name)) {}
    std::string describe() const override { return "web identity token " + token_file_ + " for " + role_arn_; }
    std::string account_hint() const override { return account_of_arn(role_arn_); }

private:
    boost::asio::awaitable<boost::system::result<timed_credentials>> async_fetch(diagnostics& diag) override {
        std::ifstream in(token_file_);
        std::stringstream token;
        token << in.rdbuf();
        if (!in || token.str().empty()) {
            diag.client_note = "cannot read the web identity token file " + token_file_;
            co_return make_error_code(errc::missing_credentials);
        }
        sts::sts_client client(*sts_);
        const std::string web_token = token.str();
        auto assumed = co_await client.async_assume_role_with_web_identity(role_arn_, session_name_, web_token, diag);
        if (!assumed) co_return assumed.error();
        co_return std::move(assumed->credentials);
    }

    std::shared_ptr<service_client> sts_;
    std::string token_file_, role_arn_, session_name_;
};

// Asks each provider in order and keeps the first that answers (the SDKs' chain).
class chain_provider final : public credentials_provider {
public:
    explicit chain_provider(std::vector<std::shared_ptr<credentials_provider>> links) : links_(std::move(links)) {}

    boost::asio::awaitable<boost::system::result<credentials_ptr>> async_get(diagnostics& diag) override {
        if (chosen_) co_return co_await chosen_->async_get(diag);
        std::string tried;
        for (auto& link : links_) {
            diagnostics attempt;
            auto got = co_await link->async_get(attempt);
            if (got) {
                chosen_ = link;
                co_return got;
            }
            tried += (tried.empty() ? "" : "; ") + link->describe() + ": " +
                     (attempt.client_note.empty() ? got.error().message() : attempt.client_note);
        }
        diag.client_note = "no credentials anywhere in the chain (" + tried + ")";
        co_return make_error_code(errc::missing_credentials);
    }
    void invalidate() override {
        if (chosen_) chosen_->invalidate();
    }
    std::string describe() const override { return chosen_ ? chosen_->describe() : "the default credential chain"; }
    // Known only when every link acts in the same known account (which link answers is learnt
    // only on the first call, after the clients that ask this were built).
    std::string account_hint() const override {
        if (chosen_) return chosen_->account_hint();
        std::string account = links_.empty() ? std::string() : links_.front()->account_hint();
        for (const auto& link : links_)
            if (link->account_hint() != account) return {};
        return account;
    }

private:
    std::vector<std::shared_ptr<credentials_provider>> links_;
    std::shared_ptr<credentials_provider> chosen_;
};

struct builder {
    http::client& http;
    const chain_settings& settings;
    const config::shared_config* config = nullptr;
    const config::profile* profile = nullptr;

    boost::system::result<std::shared_ptr<service_client>> sts_on(std::shared_ptr<credentials_provider> source,
                                                                   diagnostics& diag) const {
        endpoints::endpoint_sources sources = settings.sts_endpoint_sources;
        if (!sources.config) sources.config = config;
        if (!sources.profile) sources.profile = profile;
        if (!sources.env) sources.env = settings.env;
        std::string error;
        auto ep = endpoints::resolve(endpoints::service::sts, settings.region, sources, error);
        if (!ep) {
            diag.client_note = "STS endpoint: " + error;
            return make_error_code(errc::invalid_config);
        }
        return std::make_shared<service_client>(http, std::move(source),
                                                service_target{endpoints::service::sts, *ep, settings.region,
                                                               wire_protocol::query});
    }

    // AssumeRoleWithWebIdentity goes unsigned (the token is the credential), so its STS client has
    // no credentials of its own. An empty session name is "shiftsync", as for the other roles.
    boost::system::result<std::shared_ptr<credentials_provider>> web_identity(std::string token_file,
                                                                             std::string role_arn,
                                                                             std::string session_name,
                                                                             diagnostics& diag) const {
        auto sts = sts_on(make_static_provider({}, "nobody"), diag);
        if (!sts) return sts.error();
        if (session_name.empty()) session_name = "shiftsync";
        return make_web_identity_provider(*sts, std::move(token_file), std::move(role_arn), std::move(session_name));
    }

    boost::system::result<std::shared_ptr<credentials_provider>> from_plan(const config::credential_plan& plan,
                                                                          diagnostics& diag) const {
        std::shared_ptr<credentials_provider> current;
        std::size_t first_role = 0;
        switch (plan.source) {
            case config::base_source::static_keys:
                current = make_static_provider(plan.static_credentials, "profile " + profile->name);
                break;
            case config::base_source::environment: current = make_environment_provider(settings.env); break;
            case config::base_source::container: current = make_container_provider(http, settings.env); break;
            case config::base_source::ec2_metadata: current = make_imds_provider(http, settings.env); break;
            case config::base_source::web_identity: {
                const auto& role = plan.roles.front();
                auto web = web_identity(plan.web_identity_token_file, role.role_arn, role.role_session_name, diag);
                if (!web) return web.error();
                current = *web;
                first_role = 1;
                break;
            }
        }
        for (std::size_t i = first_role; i < plan.roles.size(); ++i) {
            auto sts = sts_on(current, diag);
            if (!sts) return sts.error();
            current = make_assume_role_provider(*sts, {.role = plan.roles[i]});
        }
        return current;
    }
};

}  // namespace

std::shared_ptr<credentials_provider> make_web_identity_provider(std::shared_ptr<service_client> anonymous_sts,
                                                                 std::string token_file, std::string role_arn,
                                                                 std::string session_name) {
    return std::make_shared<web_identity_provider>(std::move(anonymous_sts), std::move(token_file),
                                                   std::move(role_arn), std::move(session_name));
}

boost::system::result<std::shared_ptr<credentials_provider>> make_credentials_chain(http::client& http,
                                                                                  const chain_settings& settings,
                                                                                  diagnostics& diag) {
    diag.service = "credentials";
    const auto& env = settings.env;
    std::string explicit_profile = settings.profile;
    if (explicit_profile.empty())
        if (const char* p = env_value(env, "AWS_PROFILE")) explicit_profile = p;
    std::string profile_name = explicit_profile.empty() ? "default" : explicit_profile;

    config::file_locations where = config::file_locations::from_environment();
    if (const char* c = env_value(env, "AWS_CONFIG_FILE")) where.config_path = c;
    if (const char* c = env_value(env, "AWS_SHARED_CREDENTIALS_FILE")) where.credentials_path = c;
    std::string error;
    auto config = config::shared_config::load(where, error);
    if (!config) {
        diag.client_note = error;
        return make_error_code(errc::invalid_config);
    }
    // Kept alive by the providers that refer to it: a shared copy.
    auto shared = std::make_shared<const config::shared_config>(std::move(*config));
    builder b{http, settings, shared.get(), shared->find_profile(profile_name)};

    std::vector<std::shared_ptr<credentials_provider>> links;
    if (env_value(env, "AWS_ACCESS_KEY_ID") && explicit_profile.empty())
        links.push_back(make_environment_provider(env));
    if (b.profile) {
        auto plan = config::plan_credentials(*shared, profile_name, error);
        if (!plan) {
            diag.client_note = error;
            return make_error_code(errc::invalid_config);
        }
        auto provider = b.from_plan(*plan, diag);
        if (!provider) return provider.error();
        links.push_back(*provider);
    } else if (!explicit_profile.empty()) {
        diag.client_note = "profile '" + explicit_profile + "' not found in " + where.config_path + " or " +
                           where.credentials_path;
        return make_error_code(errc::invalid_config);
    }
    if (explicit_profile.empty()) {
        const char* token_file = env_value(env, "AWS_WEB_IDENTITY_TOKEN_FILE");
        const char* role = env_value(env, "AWS_ROLE_ARN");
        if (token_file && role) {
            const char* session = env_value(env, "AWS_ROLE_SESSION_NAME");
            auto web = b.web_identity(token_file, role, session ? session : "", diag);
            if (!web) return web.error();
            links.push_back(*web);
        }
        if (env_value(env, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") ||
            env_value(env, "AWS_CONTAINER_CREDENTIALS_FULL_URI"))
            links.push_back(make_container_provider(http, env));
        if (!imds_disabled(env)) links.push_back(make_imds_provider(http, env));
    }
    if (links.empty()) {
        diag.client_note = "no credential source configured: set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or a profile";
        return make_error_code(errc::missing_credentials);
    }
    std::shared_ptr<credentials_provider> result =
        links.size() == 1 ? links.front() : std::make_shared<chain_provider>(std::move(links));

    if (!settings.role_arn.empty()) {
        auto sts = b.sts_on(result, diag);
        if (!sts) return sts.error();
        result = make_assume_role_provider(
            *sts, {.role = {.role_arn = settings.role_arn, .external_id = settings.external_id,
                            .role_session_name = settings.role_session_name}});
    }
    // The profile pointer inside `b` refers into `shared`; keep the config alive with the provider.
    struct holder final : credentials_provider {
        std::shared_ptr<const config::shared_config> config;
        std::shared_ptr<credentials_provider> inner;
        boost::asio::awaitable<boost::system::result<credentials_ptr>> async_get(diagnostics& d) override {
            co_return co_await inner->async_get(d);
        }
        void invalidate() override { inner->invalidate(); }
        std::string describe() const override { return inner->describe(); }
        std::string account_hint() const override { return inner->account_hint(); }
    };
    auto h = std::make_shared<holder>();
    h->config = std::move(shared);
    h->inner = std::move(result);
    return std::shared_ptr<credentials_provider>(std::move(h));
}

}  // namespace shiftsync::aws
