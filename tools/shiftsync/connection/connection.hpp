#pragma once
// The connection flags the subcommands share (--region --profile --role-arn --external-id
// --endpoint-url, and --workgroup --database for the Redshift ones), what they resolve to for one
// service (resolve_service: its endpoint and the credential chain), and the Data API connection: an
// engine client, the chain and the Data API client on one io_context (the CLI is the sync edge).
// The S3 commands' counterpart is s3_session.

#include "aws/client/service_client.hpp"
#include "aws/config/shared_config.hpp"
#include "aws/redshift_data/redshift_data_client.hpp"

#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>

#include <memory>
#include <optional>
#include <string>

namespace shiftsync::cli {

struct connection_flags {
    std::string workgroup = "default-workgroup";
    std::string database = "dev";
    std::string region;
    std::string profile;
    std::string role_arn;
    std::string external_id;
    std::string endpoint_url;
    // How statements reach the workgroup: "data-api" (HTTPS, the guide's default) or "endpoint" (a
    // PostgreSQL-protocol connection with GetCredentials' temporary password; see endpoint_session).
    std::string connection_method = "data-api";
    std::string db_endpoint;  // HOST:PORT, instead of the derived name
    bool discover_endpoint = false;
    std::string db_ca;        // the CA bundle that signed the endpoint's certificate
    std::string db_sslmode = "verify-full";

    bool uses_endpoint() const { return connection_method == "endpoint"; }
    void add_to(CLI::App& command);
    // Only the AWS flags (--region --profile --role-arn --external-id --endpoint-url): S3 commands.
    void add_aws_to(CLI::App& command);
    // Only the endpoint's (--connection-method --db-endpoint --discover-endpoint --db-ca --db-sslmode).
    void add_endpoint_to(CLI::App& command);
};

// --region, else AWS_REGION / AWS_DEFAULT_REGION, else the profile's region ("" if none).
std::string resolve_region(const connection_flags& flags, const aws::config::shared_config* config);

// One service as the flags name it: where it is (endpoint, region, protocol) and the credential
// chain to sign with (--role-arn assumed on top of it). connection (the Data API) and s3_session
// (S3) build their clients from it. On failure it prints why (with what to do) to stderr and
// returns nullopt: a usage or configuration error (exit code 2), nothing has been sent yet.
struct resolved_service {
    aws::service_target target;
    std::shared_ptr<aws::credentials_provider> credentials;
};
std::optional<resolved_service> resolve_service(const connection_flags& flags, engine::http::client& http,
                                                aws::endpoints::service service, aws::wire_protocol protocol);

class connection {
public:
    // Resolves region, endpoints and credentials; on failure prints why (with what to do) to
    // stderr and returns nullopt.
    static std::unique_ptr<connection> open(const connection_flags& flags);

    boost::asio::io_context& context() { return ctx_; }
    aws::redshift_data::redshift_data_client& data() { return *data_; }
    engine::http::client& http() { return *http_; }
    const connection_flags& flags() const { return flags_; }

    // Runs a coroutine to completion on the connection's context.
    template <class T>
    T run(boost::asio::awaitable<T> task);

private:
    explicit connection(connection_flags flags) : flags_(std::move(flags)) {}

    connection_flags flags_;
    boost::asio::io_context ctx_;
    std::unique_ptr<engine::http::client> http_;
    std::unique_ptr<aws::service_client> service_;
    std::unique_ptr<aws::redshift_data::redshift_data_client> data_;
};

// "shiftsync query: <what failed>: <diagnostics>" on stderr.
void report(std::string_view command, std::string_view what, const boost::system::error_code& ec,
            const aws::diagnostics& diag);

}  // namespace shiftsync::cli

#include "tools/shiftsync/connection/connection_run.ipp"
