#pragma once
// The credential endpoints a workload on AWS compute reads, vending real localaws STS sessions:
//
//   EC2 instance metadata (IMDSv2), base http://127.0.0.1:<port>/_localaws/metadata/ec2
//     PUT  <base>/latest/api/token   X-aws-ec2-metadata-token-ttl-seconds: 1..21600 -> token
//     GET  <base>/latest/meta-data/iam/security-credentials/          -> the role's name
//     GET  <base>/latest/meta-data/iam/security-credentials/<role>    -> {"Code":"Success",...}
//     GET  <base>/latest/meta-data/instance-id
//   every GET needs X-aws-ec2-metadata-token with a live token (401 otherwise), unless the config
//   allows IMDSv1; a token PUT carrying X-Forwarded-For is refused (403), as on EC2.
//
//   Container credentials (ECS / EKS Pod Identity), AWS_CONTAINER_CREDENTIALS_FULL_URI =
//     http://127.0.0.1:<port>/_localaws/metadata/container/credentials
//   needs `Authorization: <the configured token>` (401 without, 403 wrong) when a token is configured.
//
// Config ("metadata" in the localaws config; each part optional, absent parts answer 404):
//   {"instance":  {"role_arn": "...", "instance_id": "i-0123456789abcdef0", "session_seconds": 3600,
//                  "imds_v1": false},
//    "container": {"role_arn": "...", "authorization_token": "...", "session_seconds": 3600}}
// As in AWS, the role must trust the compute service: ec2.amazonaws.com for the instance,
// ecs-tasks.amazonaws.com (or pods.eks.amazonaws.com) for the container; otherwise localaws refuses
// to start. Each credentials GET issues a fresh STS session (session name: the instance id, or
// "container"); real IMDS rotates its copy instead, which no client can tell apart.
//
// Sans-IO: handle() maps a request to a response; server/ does the socket work. Thread safety: any
// thread (the token table has its own mutex).

#include "tools/localaws/iam/directory.hpp"
#include "tools/localaws/server/request.hpp"

#include <boost/json/fwd.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace localaws {
class app;
}

namespace localaws::metadata {

inline constexpr std::string_view path_prefix = "/_localaws/metadata/";

struct metadata_request {
    std::string_view method;
    std::string_view path;  // without the query
    const header_list* headers = nullptr;
};

struct metadata_response {
    int status = 200;
    std::string content_type = "text/plain";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
    // For the request log and counters (never secrets).
    std::string service;    // "ec2-metadata" | "container-credentials"
    std::string operation;  // "GetToken", "ListRoles", "GetRoleCredentials", "GetCredentials", ...
    std::string error;      // short code when status != 200
    std::string principal;  // the assumed role session credentials were issued for
};

struct instance_settings {
    const iam::role* role = nullptr;
    std::string instance_id = "i-0123456789abcdef0";
    std::chrono::seconds session{3600};
    bool imds_v1 = false;
};

struct container_settings {
    const iam::role* role = nullptr;
    std::string authorization_token;  // empty: no Authorization check
    std::chrono::seconds session{3600};
};

class instance_metadata {
public:
    // Reads config["metadata"]; throws std::runtime_error naming what is wrong.
    instance_metadata(const boost::json::value& config, const iam::directory& directory);

    metadata_response handle(app& a, const metadata_request& request);

private:
    metadata_response handle_ec2(app& a, std::string_view method, std::string_view rest, const header_list& headers);
    metadata_response handle_container(app& a, std::string_view method, std::string_view rest,
                                       const header_list& headers);
    metadata_response issue_token(app& a, const header_list& headers);
    bool token_valid(app& a, std::string_view token);

    std::optional<instance_settings> instance_;
    std::optional<container_settings> container_;
    std::mutex tokens_mutex_;
    std::map<std::string, std::chrono::system_clock::time_point, std::less<>> tokens_;  // token -> expiry
};

}  // namespace localaws::metadata
