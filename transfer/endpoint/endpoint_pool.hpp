#pragma once
// Connections to a workgroup's endpoint, kept open between statements: a lease hands one out
// (an idle one, else a new one) and gives it back when it ends. Idle connections are kept per
// database user: credentials of another role never reuse a session of the first.
//
// New connections log in with the credential_cache's credentials over TLS (sslmode=verify-full
// unless told otherwise). A login the database refuses for its password (expired between
// GetCredentials and connect, or replaced) is retried once with fresh credentials; a second
// refusal is an error that says so. Failures are explained in words a user can act on: an
// unreachable endpoint (the VPC case), TLS verification (which name or CA), GetCredentials refused.
//
// Executor: one (the network thread's); not thread-safe.

#include "engine/pg/pg_connection.hpp"
#include "transfer/endpoint/credential_cache.hpp"
#include "transfer/endpoint/endpoint_address.hpp"

#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace shiftsync::transfer::endpoint {

struct endpoint_settings {
    endpoint_address address;
    std::string database = "dev";
    std::string sslmode = "verify-full";  // libpq's: verify-full, verify-ca, require
    std::string ca_file;                  // the CA bundle to verify the server with; empty: the system's
    std::chrono::milliseconds connect_timeout{15'000};
    std::size_t max_idle = 16;
    // How the address was found, for error messages ("derived from the role's account").
    std::string address_origin;
};

class endpoint_pool;

// A connection on loan; returned to the pool (if still open) when the lease is destroyed.
class connection_lease {
public:
    connection_lease() = default;
    connection_lease(endpoint_pool* pool, std::shared_ptr<engine::pg::connection> c, std::string user)
        : pool_(pool), connection_(std::move(c)), user_(std::move(user)) {}
    connection_lease(connection_lease&& other) noexcept { *this = std::move(other); }
    connection_lease& operator=(connection_lease&& other) noexcept;
    ~connection_lease();

    engine::pg::connection& operator*() const { return *connection_; }
    engine::pg::connection* operator->() const { return connection_.get(); }
    explicit operator bool() const { return connection_ != nullptr; }

private:
    endpoint_pool* pool_ = nullptr;
    std::shared_ptr<engine::pg::connection> connection_;
    std::string user_;
};

class endpoint_pool {
public:
    endpoint_pool(boost::asio::any_io_executor executor, credential_cache& credentials, endpoint_settings settings)
        : executor_(std::move(executor)), credentials_(credentials), settings_(std::move(settings)) {}

    boost::asio::awaitable<boost::system::result<connection_lease>> async_acquire(aws::diagnostics& diag);

    const endpoint_settings& settings() const { return settings_; }
    int connects() const { return connects_; }  // connections opened
    int refused_logins() const { return refused_logins_; }

private:
    friend class connection_lease;
    void give_back(std::string user, std::shared_ptr<engine::pg::connection> c);
    boost::asio::awaitable<boost::system::result<std::shared_ptr<engine::pg::connection>>> connect_as(
        const aws::redshift_serverless::database_credentials& credentials, engine::pg::pg_diagnostics& pg_diag);

    boost::asio::any_io_executor executor_;
    credential_cache& credentials_;
    endpoint_settings settings_;
    std::map<std::string, std::vector<std::shared_ptr<engine::pg::connection>>> idle_;  // by database user
    int connects_ = 0;
    int refused_logins_ = 0;
};

// What the client says about a failed endpoint statement or login, as the commands report errors:
// "endpoint HOST:PORT failed: SQLSTATE: message (detail …) (hint …). note".
void describe_failure(const endpoint_settings& settings, const engine::pg::pg_diagnostics& pg_diag,
                      aws::diagnostics& diag);

}  // namespace shiftsync::transfer::endpoint
