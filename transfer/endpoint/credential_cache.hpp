#pragma once
// The endpoint's database credentials (redshift-serverless GetCredentials), kept until the
// service's nextRefreshTime (or five minutes before expiration when it gives none) and fetched
// by one call however many connections ask at once. A password the database refused is forgotten,
// so the next connection asks for a fresh one (credentials expire; the database is the judge).
//
// Executor: one (the network thread's); not thread-safe.

#include "aws/redshift_serverless/redshift_serverless_client.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace shiftsync::transfer::endpoint {

class credential_cache {
public:
    using clock = std::chrono::system_clock;

    credential_cache(aws::redshift_serverless::redshift_serverless_client& serverless,
                     aws::redshift_serverless::get_credentials_request request)
        : serverless_(serverless), request_(std::move(request)) {}

    // Credentials to connect with: the cached ones while fresh, else new ones.
    boost::asio::awaitable<boost::system::result<aws::redshift_serverless::database_credentials>> async_current(
        aws::diagnostics& diag);

    // The database refused this password: the next async_current fetches new credentials.
    void forget(const std::string& password);

    int fetches() const { return fetches_; }  // GetCredentials calls made
    const aws::redshift_serverless::get_credentials_request& request() const { return request_; }

    // For tests: the clock freshness is judged by.
    void set_clock(std::function<clock::time_point()> now) { now_ = std::move(now); }

private:
    struct fetch;

    bool fresh() const;

    aws::redshift_serverless::redshift_serverless_client& serverless_;
    aws::redshift_serverless::get_credentials_request request_;
    std::optional<aws::redshift_serverless::database_credentials> cached_;
    std::shared_ptr<fetch> in_flight_;
    std::function<clock::time_point()> now_ = [] { return clock::now(); };
    int fetches_ = 0;
};

}  // namespace shiftsync::transfer::endpoint
