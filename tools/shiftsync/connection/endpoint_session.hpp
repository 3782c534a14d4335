#pragma once
// The endpoint path of the Redshift commands (--connection-method endpoint): where the workgroup's
// endpoint is (--db-endpoint, else GetWorkgroup with --discover-endpoint, else the name AWS gives
// it from the account and region), GetCredentials' temporary login, and a pool of TLS connections
// (transfer/endpoint). Lives beside the command's connection, on its io_context.

#include "aws/redshift_serverless/redshift_serverless_client.hpp"
#include "transfer/endpoint/endpoint_pool.hpp"
#include "tools/shiftsync/connection/connection.hpp"

#include <map>
#include <memory>
#include <string>

namespace shiftsync::cli {

class endpoint_session {
public:
    // Resolves where the endpoint is; on failure prints why to stderr and returns nullptr (exit 2
    // for a usage error, which `usage_error` then says; 1 for a failed AWS call).
    static std::unique_ptr<endpoint_session> open(connection& conn, bool& usage_error);
    // The same beside any engine client and io_context (the transfer commands' s3_session).
    static std::unique_ptr<endpoint_session> open(const connection_flags& flags, engine::http::client& http,
                                                  boost::asio::io_context& ctx, bool& usage_error);

    transfer::endpoint::endpoint_pool& pool() { return *pool_; }
    transfer::endpoint::credential_cache& credentials() { return *credentials_; }

    // The pool for another database of the workgroup (pool() for --database), made on first use:
    // the same endpoint and TLS settings, credentials from a GetCredentials that names that
    // database (a temporary password may be good for the database it names only).
    transfer::endpoint::endpoint_pool& pool_for(const std::string& database);

private:
    endpoint_session() = default;

    boost::asio::any_io_executor executor_;
    std::unique_ptr<aws::service_client> serverless_service_;
    std::unique_ptr<aws::redshift_serverless::redshift_serverless_client> serverless_;
    std::unique_ptr<transfer::endpoint::credential_cache> credentials_;
    std::unique_ptr<transfer::endpoint::endpoint_pool> pool_;
    struct other_database {
        std::unique_ptr<transfer::endpoint::credential_cache> credentials;
        std::unique_ptr<transfer::endpoint::endpoint_pool> pool;
    };
    std::map<std::string, other_database> others_;  // by database name
};

}  // namespace shiftsync::cli
