#include "tools/localaws/sts/web_identity.hpp"

#include "tools/localaws/iam/policy.hpp"
#include "tools/localaws/server/app.hpp"
#include "tools/localaws/server/registry.hpp"
#include "tools/localaws/sts/sts_common.hpp"
#include "tools/localaws/sts/jwt.hpp"

#include <boost/json.hpp>

#include <stdexcept>

namespace localaws::sts {
namespace asio = boost::asio;
namespace json = boost::json;
namespace {

struct oidc_provider {
    std::string account_id;
    std::string url;  // "https://oidc.example.test" (as "iss" says it)
    std::string arn;  // arn:aws:iam::<account>:oidc-provider/oidc.example.test
    std::string condition_prefix;  // "oidc.example.test"
    std::vector<std::string> client_ids;
    std::shared_ptr<const rsa_public_key> key;  // null: signatures not checked
};

std::vector<oidc_provider> load_providers(const json::value& config) {
    std::vector<oidc_provider> out;
    for (const auto& acc : config.at("accounts").as_array()) {
        const auto* list = acc.as_object().if_contains("oidc_providers");
        if (!list) continue;
        if (!list->is_array()) throw std::runtime_error("config: oidc_providers must be an array");
        for (const auto& item : list->as_array()) {
            const auto* o = item.if_object();
            const auto* url = o ? o->if_contains("url") : nullptr;
            if (!url || !url->is_string() || !url->as_string().starts_with("https://"))
                throw std::runtime_error("config: an oidc_provider needs a \"url\" starting with https://");
            oidc_provider p;
            p.account_id = acc.at("id").as_string();
            p.url = url->as_string();
            while (p.url.size() > 8 && p.url.back() == '/') p.url.pop_back();
            p.condition_prefix = p.url.substr(8);
            p.arn = "arn:aws:iam::" + p.account_id + ":oidc-provider/" + p.condition_prefix;
            if (const auto* ids = o->if_contains("client_ids"); ids && ids->is_array())
                for (const auto& id : ids->as_array())
                    if (id.is_string()) p.client_ids.emplace_back(id.as_string());
            if (p.client_ids.empty()) throw std::runtime_error("config: oidc_provider " + p.url + " has no client_ids");
            if (const auto* pem = o->if_contains("public_key_pem"); pem && pem->is_string()) {
                p.key = rsa_public_key::from_pem(pem->as_string());
                if (!p.key) throw std::runtime_error("config: oidc_provider " + p.url + ": public_key_pem is not a public key");
            }
            out.push_back(std::move(p));
        }
    }
    return out;
}

// "arn:aws:iam::<account>:role/<name>" -> "<account>" (empty when it is no ARN).
std::string account_of_arn(const std::string& arn) {
    std::size_t at = 0;
    for (int colon = 0; colon < 4; ++colon) {
        at = arn.find(':', at);
        if (at == std::string::npos) return {};
        ++at;
    }
    return arn.substr(at, arn.find(':', at) - at);
}

aws_error invalid_token(std::string message) { return {400, "InvalidIdentityToken", std::move(message), {}, true}; }

service_response assume_role_with_web_identity(request_context& ctx, const std::vector<oidc_provider>& providers) {
    app& a = ctx.application;
    if (auto bad = check_role_and_session(ctx)) return service_response::from_error(*bad);
    const std::string& role_arn = *ctx.query_param("RoleArn");
    const std::string& session = *ctx.query_param("RoleSessionName");
    const std::string* token_text = ctx.query_param("WebIdentityToken");
    if (!token_text || token_text->size() < 4)
        return service_response::from_error(validation(
            "1 validation error detected: Value at 'webIdentityToken' failed to satisfy constraint: Member must have "
            "length greater than or equal to 4"));
    long long duration = 3600;
    if (auto bad = read_duration(ctx, duration)) return service_response::from_error(*bad);

    auto token = parse_jwt(*token_text);
    if (!token)
        return service_response::from_error(invalid_token(
            "The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)"));
    // The provider is looked up in the account the RoleArn names, whether or not the role exists:
    // a missing role then fails the trust check below like a role that does not trust the caller
    // (AccessDenied), telling the caller nothing about which roles exist.
    const iam::role* role = a.iam().find_role(role_arn);
    const std::string role_account = account_of_arn(role_arn);
    const oidc_provider* provider = nullptr;
    for (const auto& p : providers)
        if (p.url == token->issuer && p.account_id == role_account) provider = &p;
    if (!provider)
        return service_response::from_error(
            invalid_token("No OpenIDConnect provider found in your account for " + token->issuer));
    if (provider->key && !token->signed_by(*provider->key))
        return service_response::from_error(invalid_token("The web identity token's signature does not verify"));
    const std::string* audience = nullptr;
    for (const auto& aud : token->audiences)
        for (const auto& id : provider->client_ids)
            if (aud == id) audience = &aud;
    if (!audience) return service_response::from_error(invalid_token("Incorrect token audience"));
    const auto now = std::chrono::system_clock::to_time_t(a.now());
    if (!token->expires || *token->expires <= now)
        return service_response::from_error(aws_error{
            400, "ExpiredTokenException",
            "Token expired: current date/time " + std::to_string(now) + " must be before the expiration date/time " +
                std::to_string(token->expires.value_or(0)),
            {}, true});

    iam::condition_context conditions{{provider->condition_prefix + ":sub", token->subject},
                                      {provider->condition_prefix + ":aud", *audience},
                                      {"sts:RoleSessionName", session}};
    iam::caller federated{provider->arn, provider->account_id, {}, false, true};
    bool trusted = role && iam::evaluate_trust(role->trust, federated, "sts:AssumeRoleWithWebIdentity", conditions) ==
                               iam::decision::allow;
    ctx.actions_checked.push_back(trusted ? "sts:AssumeRoleWithWebIdentity" : "!sts:AssumeRoleWithWebIdentity");
    if (!trusted)
        return service_response::from_error(
            aws_error{403, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity", {}, true});
    if (duration > role->max_session_seconds)
        return service_response::from_error(
            validation("The requested DurationSeconds exceeds the MaxSessionDuration set for this role."));

    auto s = a.iam().issue_session(*role, session, std::chrono::seconds(duration), a.now());
    xml_writer x;
    x.open("AssumeRoleWithWebIdentityResponse", sts_namespace).open("AssumeRoleWithWebIdentityResult");
    x.element("SubjectFromWebIdentityToken", token->subject).element("Audience", *audience);
    write_session(x, s);
    x.element("Provider", provider->condition_prefix).close("AssumeRoleWithWebIdentityResult");
    x.open("ResponseMetadata").element("RequestId", ctx.request_id).close("ResponseMetadata");
    x.close("AssumeRoleWithWebIdentityResponse");
    return xml_ok(x.take());
}

}  // namespace

void register_web_identity(app& a) {
    auto providers = std::make_shared<const std::vector<oidc_provider>>(load_providers(a.config()));
    a.services().add_operation(
        "sts", "AssumeRoleWithWebIdentity",
        [providers](request_context& ctx) -> asio::awaitable<service_response> {
            co_return assume_role_with_web_identity(ctx, *providers);
        },
        body_mode::buffered, /*allow_unsigned=*/true);
}

}  // namespace localaws::sts
