// Credentials from the container (ECS/EKS) and EC2 instance metadata endpoints.
#include "aws/credentials/chain.hpp"
#include "aws/credentials/refreshing_provider.hpp"
#include "sigv4/amz_date.hpp"

#include <boost/json.hpp>

#include <fstream>
#include <sstream>

namespace shiftsync::aws {
namespace {

namespace http = engine::http;
namespace json = boost::json;

// Metadata endpoints answer in milliseconds or not at all: off AWS, fail fast.
http::request_options metadata_options() {
    http::request_options o;
    o.deadlines.connect = std::chrono::milliseconds(1000);
    o.deadlines.first_byte = std::chrono::milliseconds(1000);
    o.deadlines.total = std::chrono::milliseconds(3000);
    o.retry = engine::retry_config{.max_attempts = 2};
    o.priority = engine::priority::control;
    o.max_body_bytes = 64 * 1024;
    return o;
}

const char* lookup(const endpoints::env_lookup& env, const char* name) {
    const char* v = env ? env(name) : std::getenv(name);
    return v && *v ? v : nullptr;
}

// The container endpoint may only be plain HTTP on loopback or the ECS/EKS link-local agents.
bool allowed_container_host(const http::endpoint& e) {
    if (e.scheme == http::scheme::https) return true;
    return e.host.rfind("127.", 0) == 0 || e.host == "localhost" || e.host == "[::1]" || e.host == "169.254.170.2" ||
           e.host == "169.254.170.23";
}

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
    return text;
}

class container_provider final : public refreshing_provider {
public:
    container_provider(http::client& http, endpoints::env_lookup env)
        : refreshing_provider({}), http_(http), env_(std::move(env)) {}
    std::string describe() const override { return "container credentials endpoint"; }

private:
    boost::asio::awaitable<boost::system::result<timed_credentials>> async_fetch(diagnostics& diag) override {
        diag.service = "container-credentials";
        std::string url;
        if (const char* relative = lookup(env_, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"))
            url = std::string("http://169.254.170.2") + relative;
        else if (const char* full = lookup(env_, "AWS_CONTAINER_CREDENTIALS_FULL_URI"))
            url = full;
        auto where = http::endpoint::parse(url);
        if (url.empty() || !where || !allowed_container_host(*where)) {
            diag.client_note = url.empty() ? "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI/FULL_URI is not set"
                                           : "the container credentials URI must be https, loopback or the ECS agent";
            co_return make_error_code(errc::missing_credentials);
        }
        http::request req;
        auto scheme_end = url.find("://");
        auto path_start = url.find('/', scheme_end + 3);
        req.target = path_start == std::string::npos ? "/" : url.substr(path_start);
        std::string token;
        if (const char* file = lookup(env_, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"))
            token = read_file(file);
        else if (const char* t = lookup(env_, "AWS_CONTAINER_AUTHORIZATION_TOKEN"))
            token = t;
        if (!token.empty()) req.headers.add("Authorization", token);
        auto reply = co_await http_.async_send(*where, std::move(req), metadata_options());
        if (!reply) {
            diag.client_note = "no answer from the container credentials endpoint (" + reply.error().message() + ")";
            co_return reply.error();
        }
        if (reply->status != 200) {
            diag.http_status = reply->status;
            diag.client_note = "the container credentials endpoint refused";
            co_return make_error_code(errc::missing_credentials);
        }
        co_return parse_metadata_credentials(reply->body);
    }

    http::client& http_;
    endpoints::env_lookup env_;
};

class imds_provider final : public refreshing_provider {
public:
    imds_provider(http::client& http, endpoints::env_lookup env)
        : refreshing_provider({}), http_(http), env_(std::move(env)) {}
    std::string describe() const override { return "EC2 instance metadata (IMDSv2)"; }

private:
    boost::asio::awaitable<boost::system::result<timed_credentials>> async_fetch(diagnostics& diag) override {
        diag.service = "ec2-metadata";
        const char* configured = lookup(env_, "AWS_EC2_METADATA_SERVICE_ENDPOINT");
        auto where = http::endpoint::parse(configured ? configured : "http://169.254.169.254");
        if (!where) {
            diag.client_note = "AWS_EC2_METADATA_SERVICE_ENDPOINT is not an http(s) URL";
            co_return make_error_code(errc::invalid_config);
        }
        http::request token_request;
        token_request.method = "PUT";
        token_request.target = "/latest/api/token";
        token_request.headers.add("X-aws-ec2-metadata-token-ttl-seconds", "21600");
        auto token = co_await http_.async_send(*where, std::move(token_request), metadata_options());
        if (!token || token->status != 200) {
            diag.client_note = "no EC2 instance metadata service here (not on EC2?)";
            co_return make_error_code(errc::missing_credentials);
        }
        std::string session = token->body;
        auto get = [&](std::string target) -> boost::asio::awaitable<boost::system::result<http::response>> {
            http::request r;
            r.target = std::move(target);
            r.headers.add("X-aws-ec2-metadata-token", session);
            co_return co_await http_.async_send(*where, std::move(r), metadata_options());
        };
        const std::string base = "/latest/meta-data/iam/security-credentials/";
        auto role = co_await get(base);
        if (!role || role->status != 200 || role->body.empty()) {
            diag.client_note = "this EC2 instance has no IAM role";
            co_return make_error_code(errc::missing_credentials);
        }
        std::string role_name = role->body.substr(0, role->body.find('\n'));
        auto creds = co_await get(base + role_name);
        if (!creds || creds->status != 200) {
            diag.client_note = "the instance metadata service gave no credentials for role " + role_name;
            co_return make_error_code(errc::missing_credentials);
        }
        co_return parse_metadata_credentials(creds->body);
    }

    http::client& http_;
    endpoints::env_lookup env_;
};

}  // namespace

boost::system::result<timed_credentials> parse_metadata_credentials(std::string_view text) {
    boost::system::error_code ec;
    json::value doc = json::parse(text, ec);
    if (ec || !doc.is_object()) return make_error_code(errc::malformed_response);
    const auto& o = doc.as_object();
    auto get = [&](const char* key) -> std::string {
        auto* v = o.if_contains(key);
        return v && v->is_string() ? std::string(v->as_string()) : std::string();
    };
    timed_credentials out;
    out.creds = sigv4::credentials{get("AccessKeyId"), get("SecretAccessKey"), get("Token")};
    if (out.creds.access_key_id.empty() || out.creds.secret_access_key.empty())
        return make_error_code(errc::malformed_response);
    if (auto expiration = get("Expiration"); !expiration.empty()) {
        auto t = sigv4::parse_amz_date(expiration);
        if (!t) return make_error_code(errc::malformed_response);
        out.expiration = *t;
    }
    return out;
}

std::shared_ptr<credentials_provider> make_container_provider(http::client& http, endpoints::env_lookup env) {
    return std::make_shared<container_provider>(http, std::move(env));
}

std::shared_ptr<credentials_provider> make_imds_provider(http::client& http, endpoints::env_lookup env) {
    return std::make_shared<imds_provider>(http, std::move(env));
}

}  // namespace shiftsync::aws
