#pragma once
// The credential providers the AWS SDKs look through, in their order, and the chain itself:
//   1. environment: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN;
//   2. the profile (AWS_PROFILE, or `default`) in the shared config and credentials files: static
//      keys, or role_arn with source_profile / credential_source / web_identity_token_file,
//      external_id, role_session_name, duration_seconds — role chains included;
//   3. web identity: AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN (AssumeRoleWithWebIdentity);
//   4. container: AWS_CONTAINER_CREDENTIALS_FULL_URI / _RELATIVE_URI, with
//      AWS_CONTAINER_AUTHORIZATION_TOKEN(_FILE);
//   5. EC2 instance metadata (IMDSv2), with one-second deadlines so it fails fast off EC2;
//      AWS_EC2_METADATA_DISABLED=true skips it, AWS_EC2_METADATA_SERVICE_ENDPOINT moves it.
// Every variable is read through chain_settings::env (the environment provider's keys too), so a
// test or an embedding application can hand the chain an environment without touching the process's.
// Container and EC2 credentials refresh from 5 minutes before expiry (EC2 rotates no earlier); errors
// name the endpoint and what failed, never a token.
// A profile named explicitly (flag or AWS_PROFILE) must exist: a typo is an error, not a silent
// fall-through to other credentials. On top of the chain, an explicit role (--role-arn with
// --external-id) is assumed with whatever the chain found.

#include "aws/config/credential_plan.hpp"
#include "aws/client/service_client.hpp"
#include "aws/credentials/credentials_provider.hpp"
#include "aws/endpoints/endpoint_resolver.hpp"
#include "engine/http/client.hpp"

#include <memory>
#include <string>

namespace shiftsync::aws {

struct chain_settings {
    std::string profile;        // empty: AWS_PROFILE / AWS_DEFAULT_PROFILE / "default"
    std::string region;         // for STS calls made by role providers
    std::string role_arn;       // assume this role on top of the chain
    std::string external_id;
    std::string role_session_name = "shiftsync";
    endpoints::endpoint_sources sts_endpoint_sources;  // where STS is (overrides, profile)
    endpoints::env_lookup env;  // default: std::getenv
};

// Returns the provider to sign with, or an error saying what is wrong with the configuration
// (unknown profile, a malformed config file, a role without a source, ...).
boost::system::result<std::shared_ptr<credentials_provider>> make_credentials_chain(engine::http::client& http,
                                                                                  const chain_settings& settings,
                                                                                  diagnostics& diag);

// The individual providers, for embedding applications that want one source only.
std::shared_ptr<credentials_provider> make_web_identity_provider(std::shared_ptr<service_client> anonymous_sts,
                                                                 std::string token_file, std::string role_arn,
                                                                 std::string session_name);
std::shared_ptr<credentials_provider> make_container_provider(engine::http::client& http, endpoints::env_lookup env);
std::shared_ptr<credentials_provider> make_imds_provider(engine::http::client& http, endpoints::env_lookup env);

// {"AccessKeyId","SecretAccessKey","Token","Expiration"} as the container and EC2 metadata
// endpoints answer.
boost::system::result<timed_credentials> parse_metadata_credentials(std::string_view json);

}  // namespace shiftsync::aws
