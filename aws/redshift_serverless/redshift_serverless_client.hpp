#pragma once
// Redshift Serverless (JSON 1.1, X-Amz-Target RedshiftServerless.*): GetCredentials — a temporary
// database user and password for a direct PostgreSQL-protocol connection to the workgroup (the
// connector guide's "VPC endpoint" path).

#include "aws/client/service_client.hpp"

#include <chrono>
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

class redshift_serverless_client {
public:
    explicit redshift_serverless_client(service_client& service) : service_(service) {}

    boost::asio::awaitable<boost::system::result<database_credentials>> async_get_credentials(
        const get_credentials_request& request, diagnostics& diag);

private:
    service_client& service_;
};

// Sans-IO, for tests: the body of a GetCredentials answer.
boost::system::result<database_credentials> parse_get_credentials(std::string_view json);

}  // namespace shiftsync::aws::redshift_serverless
