#pragma once
// What the S3 subcommands (cp, ls, rm) share: the AWS flags resolved to an engine client sized for
// the run, the credential chain, the S3 endpoint and client, all on one io_context; and running a
// task so that SIGINT/SIGTERM cancel it (everything in flight is cancelled, started uploads are
// abandoned, partial files removed) before the command exits 130.

#include "aws/s3/s3_client.hpp"
#include "tools/shiftsync/connection/connection.hpp"

#include <boost/asio/io_context.hpp>

#include <memory>

namespace shiftsync::transfer::endpoint {
class endpoint_pool;
}

namespace shiftsync::cli {

class endpoint_session;

// Exit codes, the same for every subcommand.
inline constexpr int exit_ok = 0;
inline constexpr int exit_failed = 1;
inline constexpr int exit_usage = 2;
inline constexpr int exit_interrupted = 130;

class s3_session {
public:
    // On failure prints why (with what to do) and returns nullptr.
    static std::unique_ptr<s3_session> open(const connection_flags& flags, std::size_t max_connections);
    ~s3_session();

    boost::asio::io_context& context() { return ctx_; }
    engine::http::client& http() { return *http_; }
    aws::s3::s3_client& s3() { return *s3_; }
    // Where S3 is (path-style addressing whenever the endpoint is an override, as the AWS CLI does
    // for custom endpoints: endpoints::uses_path_style) and what signs for it: for presigned URLs.
    const aws::service_target& target() const { return service_->target(); }
    aws::credentials_provider& credentials() { return service_->credentials(); }

    // The Data API beside S3 on the same engine client, for the commands that run SQL and stage
    // data (extract, load). On failure prints why and returns false.
    bool open_data_api(const connection_flags& flags);
    aws::redshift_data::redshift_data_client& data() { return *data_; }
    // With --connection-method endpoint: the workgroup's endpoint beside them (after open_data_api,
    // which the Data API's other uses still need). Prints why and returns an exit code on failure:
    // exit_usage or exit_failed; exit_ok when opened, or when the flags chose the Data API.
    int open_endpoint(const connection_flags& flags);
    // nullptr unless the flags chose the endpoint.
    transfer::endpoint::endpoint_pool* endpoint();

    // Runs `task` to completion; the first SIGINT/SIGTERM cancels it (a second one exits at once).
    template <class T>
    T run(boost::asio::awaitable<T> task);

    bool interrupted() const { return interrupted_; }
    std::uint64_t retries() const;

private:
    s3_session() = default;
    void run_until(const bool& done);
    void arm_signals(std::function<void()> on_first);

    boost::asio::io_context ctx_;
    std::unique_ptr<engine::http::client> http_;
    std::unique_ptr<aws::service_client> service_;
    std::unique_ptr<aws::s3::s3_client> s3_;
    std::unique_ptr<aws::service_client> data_service_;
    std::unique_ptr<aws::redshift_data::redshift_data_client> data_;
    std::unique_ptr<endpoint_session> endpoint_;
    bool interrupted_ = false;
    struct signals;
    std::unique_ptr<signals> signals_;
};

}  // namespace shiftsync::cli

#include "tools/shiftsync/connection/s3_session_run.ipp"
