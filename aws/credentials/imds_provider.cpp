// Credentials from the EC2 instance metadata service, IMDSv2 only: PUT /latest/api/token for a
// session token, then GET /latest/meta-data/iam/security-credentials/ (the role's name) and
// .../<role> with it. AWS_EC2_METADATA_SERVICE_ENDPOINT moves the service (a path in it is kept, as
// botocore keeps it). With one-second deadlines, a machine that is not on EC2 learns it fast.
// Messages name the endpoint and what failed; never the session token.
#include "aws/credentials/chain.hpp"
#include "aws/credentials/metadata_endpoint.hpp"
#include "aws/credentials/refreshing_provider.hpp"

namespace shiftsync::aws {
namespace {

namespace http = engine::http;

constexpr std::string_view default_endpoint = "http://169.254.169.254";
constexpr std::string_view credentials_path = "/latest/meta-data/iam/security-credentials/";

class imds_provider final : public refreshing_provider {
public:
    imds_provider(http::client& http, endpoints::env_lookup env)
        : refreshing_provider(detail::metadata_refresh_timing()), http_(http), env_(std::move(env)) {}
    std::string describe() const override { return "EC2 instance metadata (IMDSv2)"; }

private:
    boost::asio::awaitable<boost::system::result<timed_credentials>> async_fetch(diagnostics& diag) override {
        diag.service = "ec2-metadata";
        const char* configured = detail::env_value(env_, "AWS_EC2_METADATA_SERVICE_ENDPOINT");
        auto base = detail::parse_metadata_url(configured ? std::string_view(configured) : default_endpoint);
        if (!base) {
            diag.client_note = "AWS_EC2_METADATA_SERVICE_ENDPOINT is not an http(s) URL";
            co_return make_error_code(errc::invalid_config);
        }
        std::string prefix = base->target.substr(0, base->target.find('?'));
        while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
        const std::string shown = base->shown;

        http::request token_request;
        token_request.method = "PUT";
        token_request.target = prefix + "/latest/api/token";
        token_request.headers.add("X-aws-ec2-metadata-token-ttl-seconds", "21600");
        const auto options = detail::metadata_options();
        auto token = co_await http_.async_send(base->where, std::move(token_request), options);
        if (!token) {
            diag.client_note = "no EC2 instance metadata service at " + shown + " (" + token.error().message() +
                               "; not on EC2? AWS_EC2_METADATA_DISABLED=true skips it)";
            co_return make_error_code(errc::missing_credentials);
        }
        if (token->status != 200 || token->body.empty()) {
            diag.http_status = token->status;
            diag.client_note = "the EC2 instance metadata service at " + shown + " gave no IMDSv2 session token (HTTP " +
                               std::to_string(token->status) + ")";
            co_return make_error_code(errc::missing_credentials);
        }
        const std::string session = std::move(token->body);
        auto get = [&](std::string target) -> boost::asio::awaitable<boost::system::result<http::response>> {
            http::request r;
            r.target = std::move(target);
            r.headers.add("X-aws-ec2-metadata-token", session);
            co_return co_await http_.async_send(base->where, std::move(r), options);
        };
        auto failed = [&](const boost::system::result<http::response>& reply, const std::string& what) {
            if (!reply) {
                diag.client_note = "the EC2 instance metadata service at " + shown + " did not answer " + what + " (" +
                                   reply.error().message() + ")";
                return;
            }
            diag.http_status = reply->status;
            diag.client_note = "the EC2 instance metadata service at " + shown + " refused " + what + " (HTTP " +
                               std::to_string(reply->status) +
                               (reply->status == 404 ? ": this instance has no IAM role)" : ")");
        };

        const std::string role_path = prefix + std::string(credentials_path);
        auto role = co_await get(role_path);
        if (!role || role->status != 200 || role->body.empty()) {
            failed(role, "the instance's role name");
            co_return make_error_code(errc::missing_credentials);
        }
        std::string role_name = role->body.substr(0, role->body.find('\n'));
        const std::string creds_path = prefix + std::string(credentials_path) + role_name;
        auto creds = co_await get(creds_path);
        if (!creds || creds->status != 200) {
            failed(creds, "credentials for role " + role_name);
            co_return make_error_code(errc::missing_credentials);
        }
        auto parsed = parse_metadata_credentials(creds->body);
        if (!parsed) diag.client_note = "the EC2 instance metadata service at " + shown + " answered role " +
                                        role_name + " with a document that holds no credentials";
        co_return parsed;
    }

    http::client& http_;
    endpoints::env_lookup env_;
};

}  // namespace

std::shared_ptr<credentials_provider> make_imds_provider(http::client& http, endpoints::env_lookup env) {
    return std::make_shared<imds_provider>(http, std::move(env));
}

}  // namespace shiftsync::aws
