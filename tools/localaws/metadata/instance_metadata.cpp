#include "tools/localaws/metadata/instance_metadata.hpp"

#include "tools/localaws/server/app.hpp"
#include "tools/localaws/server/http_util.hpp"

#include <boost/json.hpp>

#include <charconv>
#include <stdexcept>

namespace localaws::metadata {
namespace json = boost::json;
namespace {

constexpr long long max_token_ttl = 21600;  // IMDSv2's ceiling: six hours
constexpr std::size_t max_live_tokens = 4096;

metadata_response answer(int status, std::string body, std::string error = {}) {
    metadata_response r;
    r.status = status;
    r.body = std::move(body);
    r.error = std::move(error);
    return r;
}

const iam::role* configured_role(const json::object& part, const iam::directory& directory, const char* what,
                                 std::initializer_list<std::string_view> services) {
    const auto* arn = part.if_contains("role_arn");
    if (!arn || !arn->is_string()) throw std::runtime_error(std::string("config: metadata.") + what + ".role_arn is required");
    const iam::role* role = directory.find_role(arn->as_string());
    if (!role) throw std::runtime_error(std::string("config: metadata.") + what + ": no role " + std::string(arn->as_string()));
    for (auto service : services)
        if (directory.service_may_assume(*role, service)) return role;
    throw std::runtime_error(std::string("config: metadata.") + what + ": role " + role->arn +
                             " does not trust " + std::string(*services.begin()) + " (its trust policy must allow it)");
}

std::chrono::seconds session_seconds(const json::object& part) {
    const auto* s = part.if_contains("session_seconds");
    if (!s) return std::chrono::seconds(3600);
    if (!s->is_number() || s->to_number<long long>() < 1)
        throw std::runtime_error("config: metadata session_seconds must be a positive number");
    return std::chrono::seconds(s->to_number<long long>());
}

std::string credentials_json(const iam::issued_session& s, bool imds, std::string_view role_arn,
                             std::chrono::system_clock::time_point now) {
    json::object o;
    if (imds) {
        o["Code"] = "Success";
        o["LastUpdated"] = iso8601(now);
        o["Type"] = "AWS-HMAC";
    }
    o["AccessKeyId"] = s.access_key_id;
    o["SecretAccessKey"] = s.secret;
    o["Token"] = s.session_token;
    o["Expiration"] = iso8601(s.expiration);
    if (!imds) o["RoleArn"] = role_arn;
    return json::serialize(o);
}

}  // namespace

instance_metadata::instance_metadata(const json::value& config, const iam::directory& directory) {
    const auto* section = config.is_object() ? config.as_object().if_contains("metadata") : nullptr;
    if (!section) return;
    if (!section->is_object()) throw std::runtime_error("config: metadata must be an object");
    const auto& m = section->as_object();
    if (const auto* inst = m.if_contains("instance")) {
        if (!inst->is_object()) throw std::runtime_error("config: metadata.instance must be an object");
        const auto& o = inst->as_object();
        instance_settings s;
        s.role = configured_role(o, directory, "instance", {"ec2.amazonaws.com"});
        s.session = session_seconds(o);
        if (const auto* id = o.if_contains("instance_id"); id && id->is_string()) s.instance_id = id->as_string();
        if (const auto* v1 = o.if_contains("imds_v1"); v1 && v1->is_bool()) s.imds_v1 = v1->as_bool();
        instance_ = std::move(s);
    }
    if (const auto* cont = m.if_contains("container")) {
        if (!cont->is_object()) throw std::runtime_error("config: metadata.container must be an object");
        const auto& o = cont->as_object();
        container_settings s;
        s.role = configured_role(o, directory, "container", {"ecs-tasks.amazonaws.com", "pods.eks.amazonaws.com"});
        s.session = session_seconds(o);
        if (const auto* t = o.if_contains("authorization_token"); t && t->is_string())
            s.authorization_token = t->as_string();
        container_ = std::move(s);
    }
}

metadata_response instance_metadata::handle(app& a, const metadata_request& request) {
    std::string_view rest = request.path.substr(path_prefix.size());
    metadata_response r;
    if (rest.starts_with("ec2/")) {
        r = handle_ec2(a, request.method, rest.substr(3), *request.headers);
        r.service = "ec2-metadata";
    } else if (rest == "container/credentials") {
        r = handle_container(a, request.method, rest, *request.headers);
        r.service = "container-credentials";
        r.operation = "GetCredentials";
    } else {
        r = answer(404, "Not Found", "NotFound");
        r.service = "metadata";
    }
    return r;
}

metadata_response instance_metadata::handle_ec2(app& a, std::string_view method, std::string_view rest,
                                                const header_list& headers) {
    if (!instance_) return answer(404, "Not Found: no instance configured (config metadata.instance)", "NotConfigured");
    if (rest == "/latest/api/token") {
        if (method != "PUT") return answer(405, "Method Not Allowed", "MethodNotAllowed");
        auto r = issue_token(a, headers);
        r.operation = "GetToken";
        return r;
    }
    if (method != "GET" && method != "HEAD") return answer(405, "Method Not Allowed", "MethodNotAllowed");
    // IMDSv2 required: every read carries a live token; a missing one is as good as a bad one.
    const auto* token = headers.find("x-aws-ec2-metadata-token");
    if (token ? !token_valid(a, *token) : !instance_->imds_v1) {
        auto r = answer(401, "Unauthorized", "Unauthorized");
        r.operation = "GetMetadata";
        return r;
    }
    const std::string_view creds_path = "/latest/meta-data/iam/security-credentials/";
    metadata_response r;
    if (rest == "/latest/meta-data/instance-id") {
        r = answer(200, instance_->instance_id);
        r.operation = "GetInstanceId";
    } else if (rest == creds_path) {
        r = answer(200, instance_->role->name);
        r.operation = "ListRoles";
    } else if (rest.starts_with(creds_path)) {
        r.operation = "GetRoleCredentials";
        if (rest.substr(creds_path.size()) != instance_->role->name) return answer(404, "Not Found", "NotFound");
        auto s = a.iam().issue_session(*instance_->role, instance_->instance_id, instance_->session, a.now());
        r = answer(200, credentials_json(s, true, instance_->role->arn, a.now()));
        r.operation = "GetRoleCredentials";
        r.content_type = "text/plain";  // as EC2 serves it
        r.principal = s.who.arn;
    } else {
        r = answer(404, "Not Found", "NotFound");
        r.operation = "GetMetadata";
    }
    return r;
}

metadata_response instance_metadata::issue_token(app& a, const header_list& headers) {
    // EC2 refuses token requests that went through a proxy (an SSRF defence).
    if (headers.find("x-forwarded-for")) return answer(403, "Forbidden", "Forbidden");
    auto ttl_text = headers.get("x-aws-ec2-metadata-token-ttl-seconds");
    long long ttl = 0;
    auto [end, ec] = std::from_chars(ttl_text.data(), ttl_text.data() + ttl_text.size(), ttl);
    if (ttl_text.empty() || ec != std::errc{} || end != ttl_text.data() + ttl_text.size() || ttl < 1 ||
        ttl > max_token_ttl)
        return answer(400, "Bad Request", "BadRequest");
    std::string token = iam::random_secret(56);
    auto now = a.now();
    {
        std::lock_guard lock(tokens_mutex_);
        std::erase_if(tokens_, [&](const auto& kv) { return kv.second <= now; });
        if (tokens_.size() >= max_live_tokens) tokens_.erase(tokens_.begin());  // bounded, whatever the client does
        tokens_.emplace(token, now + std::chrono::seconds(ttl));
    }
    auto r = answer(200, std::move(token));
    r.headers.emplace_back("X-aws-ec2-metadata-token-ttl-seconds", std::to_string(ttl));
    return r;
}

bool instance_metadata::token_valid(app& a, std::string_view token) {
    std::lock_guard lock(tokens_mutex_);
    auto it = tokens_.find(token);
    return it != tokens_.end() && it->second > a.now();
}

metadata_response instance_metadata::handle_container(app& a, std::string_view method, std::string_view,
                                                      const header_list& headers) {
    if (!container_) return answer(404, "Not Found: no container configured (config metadata.container)", "NotConfigured");
    if (method != "GET") return answer(405, "Method Not Allowed", "MethodNotAllowed");
    auto json_error = [](int status, const char* code, const char* message) {
        auto r = answer(status, json::serialize(json::object{{"code", code}, {"message", message}}), code);
        r.content_type = "application/json";
        return r;
    };
    if (!container_->authorization_token.empty()) {
        const auto* presented = headers.find("authorization");
        if (!presented) return json_error(401, "MissingAuthorization", "the Authorization header is required");
        if (*presented != container_->authorization_token)
            return json_error(403, "InvalidAuthorization", "the Authorization token is not valid");
    }
    auto s = a.iam().issue_session(*container_->role, "container", container_->session, a.now());
    auto r = answer(200, credentials_json(s, false, container_->role->arn, a.now()));
    r.content_type = "application/json";
    r.principal = s.who.arn;
    return r;
}

}  // namespace localaws::metadata
