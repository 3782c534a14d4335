#pragma once
// Redshift Serverless (JSON 1.1, X-Amz-Target RedshiftServerless.*): GetCredentials — a temporary
// database user and password for a direct PostgreSQL-protocol connection to the workgroup (the
// connector guide's "VPC endpoint" path) — and GetWorkgroup, which says where that endpoint is (the
// guide's role may not call it: see transfer/endpoint/endpoint_locator.hpp).

#include "aws/client/service_client.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace shiftsync::aws::redshift_serverless {

struct get_credentials_request {
    std::string workgroup_name;
    std::string db_name;
    std::optional<std::chrono::seconds> duration;  // 900 .. 3600
};

struct database_credentials {
    std::string db_user;      // "IAMR:<role>" for an assumed role, "IAM:<user>" for a user
    std::string db_password;  // a secret: never log it
    std::chrono::system_clock::time_point expiration;
    std::optional<std::chrono::system_clock::time_point> next_refresh_time;
};

struct workgroup_endpoint {
    std::string address;  // "<workgroup>.<account>.<region>.redshift-serverless.amazonaws.com"
    std::uint16_t port = 5439;
};

struct workgroup {
    std::string name;
    std::string arn;
    std::string status;          // "AVAILABLE", "CREATING", "MODIFYING", "DELETING"
    std::string namespace_name;
    std::optional<workgroup_endpoint> endpoint;  // absent while the workgroup is being created
};

class redshift_serverless_client {
public:
    explicit redshift_serverless_client(service_client& service) : service_(service) {}

    boost::asio::awaitable<boost::system::result<database_credentials>> async_get_credentials(
        const get_credentials_request& request, diagnostics& diag);

    boost::asio::awaitable<boost::system::result<workgroup>> async_get_workgroup(const std::string& name,
                                                                                 diagnostics& diag);

private:
    service_client& service_;
};

// Sans-IO, for tests: the body of a GetCredentials answer.
boost::system::result<database_credentials> parse_get_credentials(std::string_view json);
// Sans-IO, for tests: the body of a GetWorkgroup answer.
boost::system::result<workgroup> parse_get_workgroup(std::string_view json);

}  // namespace shiftsync::aws::redshift_serverless
