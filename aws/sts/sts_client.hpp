#pragma once
// AWS STS (Query protocol): AssumeRole — how shiftsync's own identity becomes the customer's role,
// with the ExternalId the role's trust policy demands — and GetCallerIdentity.

#include "aws/client/service_client.hpp"
#include "aws/sts/sts_responses.hpp"

#include <chrono>
#include <optional>
#include <string>

namespace shiftsync::aws::sts {

struct assume_role_request {
    std::string role_arn;
    std::string role_session_name;  // 2-64 of [\w+=,.@-]
    std::string external_id;        // sent when not empty
    std::optional<std::chrono::seconds> duration;  // 900 .. the role's maximum (STS's default: 3600)
};

class sts_client {
public:
    explicit sts_client(service_client& service) : service_(service) {}

    boost::asio::awaitable<boost::system::result<assumed_role>> async_assume_role(const assume_role_request& request,
                                                                                 diagnostics& diag);
    // Unsigned: the OIDC token in `web_identity_token` is the credential. Never logged.
    boost::asio::awaitable<boost::system::result<assumed_role>> async_assume_role_with_web_identity(
        const std::string& role_arn, const std::string& session_name, const std::string& web_identity_token,
        diagnostics& diag);
    boost::asio::awaitable<boost::system::result<caller_identity>> async_get_caller_identity(diagnostics& diag);

private:
    service_client& service_;
};

}  // namespace shiftsync::aws::sts
