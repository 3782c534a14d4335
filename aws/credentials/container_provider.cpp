// Credentials from the container endpoint (ECS task roles, EKS Pod Identity):
// AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (on the ECS agent, 169.254.170.2) or _FULL_URI, with the
// Authorization token from AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (re-read on every fetch: EKS
// rotates it) or AWS_CONTAINER_AUTHORIZATION_TOKEN. Messages name the endpoint and where the token
// came from, never the token.
#include "aws/credentials/chain.hpp"
#include "aws/credentials/metadata_endpoint.hpp"
#include "aws/credentials/refreshing_provider.hpp"

#include <fstream>
#include <sstream>

namespace shiftsync::aws {
namespace {

namespace http = engine::http;
using detail::env_value;

// Plain HTTP only to loopback or the ECS / EKS link-local agents (as the SDKs allow).
bool allowed_container_host(const http::endpoint& e) {
    if (e.scheme == http::scheme::https) return true;
    return e.host.rfind("127.", 0) == 0 || e.host == "localhost" || e.host == "[::1]" || e.host == "::1" ||
           e.host == "169.254.170.2" || e.host == "169.254.170.23" || e.host == "[fd00:ec2::23]";
}

struct auth_token {
    std::string value;
    std::string source;  // for messages: "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE /var/run/..."
};

class container_provider final : public refreshing_provider {
public:
    container_provider(http::client& http, endpoints::env_lookup env)
        : refreshing_provider(detail::metadata_refresh_timing()), http_(http), env_(std::move(env)) {}
    std::string describe() const override { return "container credentials endpoint"; }

private:
    boost::asio::awaitable<boost::system::result<timed_credentials>> async_fetch(diagnostics& diag) override {
        diag.service = "container-credentials";
        std::string url;
        if (const char* relative = env_value(env_, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"))
            url = std::string("http://169.254.170.2") + (relative[0] == '/' ? "" : "/") + relative;
        else if (const char* full = env_value(env_, "AWS_CONTAINER_CREDENTIALS_FULL_URI"))
            url = full;
        if (url.empty()) {
            diag.client_note = "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI/FULL_URI is not set";
            co_return make_error_code(errc::missing_credentials);
        }
        auto where = detail::parse_metadata_url(url);
        if (!where || !allowed_container_host(where->where)) {
            diag.client_note = "AWS_CONTAINER_CREDENTIALS_FULL_URI must be an https URL, or http on loopback or the "
                               "ECS/EKS agent address" + (where ? " (it is " + where->shown + ")" : std::string());
            co_return make_error_code(errc::invalid_config);
        }
        auto token = read_token(diag);
        if (!token) co_return token.error();

        http::request req;
        req.target = where->target;
        req.headers.add("Accept", "application/json");
        if (!token->value.empty()) req.headers.add("Authorization", token->value);
        const auto options = detail::metadata_options();
        auto reply = co_await http_.async_send(where->where, std::move(req), options);
        if (!reply) {
            diag.client_note = "no answer from the container credentials endpoint " + where->shown + " (" +
                               reply.error().message() + ")";
            co_return reply.error();
        }
        if (reply->status != 200) {
            diag.http_status = reply->status;
            const bool auth = reply->status == 401 || reply->status == 403;
            diag.client_note = "the container credentials endpoint " + where->shown + " refused: HTTP " +
                               std::to_string(reply->status) +
                               (token->value.empty() ? std::string(" (no Authorization token was sent: set "
                                                                   "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE)")
                                                     : " (Authorization token from " + token->source +
                                                           (auth ? ", which the endpoint did not accept)" : ")"));
            co_return make_error_code(auth ? errc::invalid_credentials : errc::missing_credentials);
        }
        auto parsed = parse_metadata_credentials(reply->body);
        if (!parsed) diag.client_note = "the container credentials endpoint " + where->shown + " answered with a "
                                        "document that holds no credentials";
        co_return parsed;
    }

    boost::system::result<auth_token> read_token(diagnostics& diag) const {
        auth_token token;
        if (const char* file = env_value(env_, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")) {
            std::ifstream in(file);
            std::stringstream text;
            text << in.rdbuf();
            if (!in) {
                diag.client_note = std::string("cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE ") + file;
                return make_error_code(errc::invalid_config);
            }
            token = {text.str(), std::string("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE ") + file};
            while (!token.value.empty() && (token.value.back() == '\n' || token.value.back() == '\r'))
                token.value.pop_back();
        } else if (const char* t = env_value(env_, "AWS_CONTAINER_AUTHORIZATION_TOKEN")) {
            token = {t, "AWS_CONTAINER_AUTHORIZATION_TOKEN"};
        }
        // A line break would end the header early and smuggle the rest in as another header.
        if (token.value.find_first_of("\r\n") != std::string::npos) {
            diag.client_note = "the container Authorization token in " + token.source + " holds a line break";
            return make_error_code(errc::invalid_config);
        }
        return token;
    }

    http::client& http_;
    endpoints::env_lookup env_;
};

}  // namespace

std::shared_ptr<credentials_provider> make_container_provider(http::client& http, endpoints::env_lookup env) {
    return std::make_shared<container_provider>(http, std::move(env));
}

}  // namespace shiftsync::aws
