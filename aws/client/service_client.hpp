#pragma once
// One signed AWS call: the generic awaitable every typed client (sts, s3, redshift-data,
// redshift-serverless) sits on. It sends through the engine (which pools, limits, deadlines and
// retries), signing in the engine's per-attempt hook: each attempt asks the provider for
// credentials (cached there, so cheap) and signs with the time of that attempt, so a retry late in
// a long deadline carries a fresh X-Amz-Date and any credentials refreshed meanwhile. It teaches
// the engine's retry loop AWS's error codes, and turns an error answer into an error_code plus
// diagnostics.
//
// Executor / thread safety: the engine client's single-threaded executor, like the engine.
// Lifetimes: the engine client and the credentials provider outlive every call.

#include "aws/client/call_observer.hpp"
#include "aws/credentials/credentials_provider.hpp"
#include "aws/endpoints/endpoint_resolver.hpp"
#include "aws/error/aws_error.hpp"
#include "engine/http/client.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>

#include <map>
#include <optional>
#include <memory>
#include <string>

namespace shiftsync::aws {

enum class wire_protocol { json_1_1, query, rest_xml };

struct service_target {
    endpoints::service service = endpoints::service::sts;
    endpoints::endpoint endpoint;
    std::string region;
    wire_protocol protocol = wire_protocol::json_1_1;
    // Requests/s per operation, shared by every client on the same engine client whose credentials
    // act in the same account (one limiter per service, account, region and operation; see
    // limiter_key). Unset: the service's published per-account quotas; an empty map: none
    // (unlimited until throttled). The first client to name a limiter sets its rate.
    std::optional<std::map<std::string, double>> rate_limits;
    // The share of each rate limit the limiter aims at. The service counts our requests when they
    // arrive, and they arrive bunched by the network and its queues: a client sending at exactly the
    // quota is throttled whenever two land closer than their spacing. At 95%, the service's bucket
    // gains a token every 20 of ours, enough to absorb about 50 ms of bunching at 20/s.
    double quota_share = 0.95;
};

// The published per-account quotas the limiters start from: the Data API's ExecuteStatement 30/s,
// DescribeStatement 100/s, GetStatementResult 20/s. Other services: none (unlimited until throttled).
std::map<std::string, double> published_rate_limits(endpoints::service service);

struct service_call {
    std::string operation;        // "AssumeRole": metrics label and diagnostics
    std::string method = "POST";
    std::string path = "/";       // percent-encoded as sent, without the endpoint's base path
    std::string query;            // as sent, without '?'
    std::string host;             // S3 virtual-hosted "bucket.s3…"; empty: the endpoint's host
    engine::http::header_list headers;  // the signature covers them (and Host)
    engine::http::body_source body;
    // Hex SHA-256 of the body; empty: computed for in-memory bodies, UNSIGNED-PAYLOAD otherwise.
    std::string payload_hash;
    // Sent unsigned, without asking for credentials (STS AssumeRoleWithWebIdentity).
    bool anonymous = false;
    // options.prepare, if set, runs before each attempt's signature (so it is signed too).
    engine::http::request_options options;
};

class service_client {
public:
    service_client(engine::http::client& http, std::shared_ptr<credentials_provider> credentials,
                   service_target target);

    // A 2xx answer is a value. Anything else is an error: aws::errc (with the service's code,
    // message and request id in `diag`) or the engine's transport error.
    boost::asio::awaitable<boost::system::result<engine::http::response>> async_call(service_call call,
                                                                                     diagnostics& diag);

    // Tells `observer` about every retry and throttling answer of the calls started from now on
    // (see call_observer.hpp); null: nobody is told (the default, at no cost).
    void set_observer(std::shared_ptr<call_observer> observer) { observer_ = std::move(observer); }

    const service_target& target() const { return target_; }
    credentials_provider& credentials() const { return *credentials_; }

    // The engine's rate-limiter key for `operation`: "service:region:account:operation", ARN-like,
    // the account from credentials_provider::account_hint() (empty when unknown: every client of
    // unknown account shares one limiter per service, region and operation).
    std::string limiter_key(std::string_view operation) const;

private:
    struct signing_state;

    boost::asio::awaitable<boost::system::result<engine::http::response>> attempt(const service_call& call,
                                                                                  diagnostics& diag);
    // The engine's prepare hook: credentials, then a signature dated now.
    boost::asio::awaitable<boost::system::error_code> sign_attempt(engine::http::request& req, int attempt_number,
                                                                   const service_call& call, signing_state& state);

    bool sign_request(engine::http::request& req, const std::string& host_header, const std::string& payload_hash,
                      const service_call& call, const sigv4::credentials& creds) const;

    engine::http::client& http_;
    std::shared_ptr<credentials_provider> credentials_;
    service_target target_;
    std::string account_;  // credentials_->account_hint(), asked once
    std::shared_ptr<call_observer> observer_;
};

// The error code inside an error answer, per protocol (what the retry classifier reads).
std::string error_code_of(wire_protocol protocol, const engine::http::response& reply);

}  // namespace shiftsync::aws
