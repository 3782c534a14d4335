#pragma once
// Where a profile's credentials come from, worked out before any network call: a base source
// (static keys, the environment, web identity, the container or EC2 metadata service) and the
// chain of roles to assume on top of it, as the SDKs resolve `role_arn` with `source_profile` or
// `credential_source`. Pure: the credential providers in aws/credentials carry the plan out.

#include "aws/config/shared_config.hpp"
#include "sigv4/credentials.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace shiftsync::aws::config {

struct assume_role_step {
    std::string role_arn;
    std::string external_id;        // empty when the profile sets none
    std::string role_session_name;  // defaults to "shiftsync-<timestamp>" when empty
    std::optional<std::chrono::seconds> duration;
    std::string profile;            // the profile that asked for it, for error messages
};

enum class base_source { static_keys, environment, web_identity, container, ec2_metadata };

struct credential_plan {
    base_source source = base_source::static_keys;
    sigv4::credentials static_credentials;  // base_source::static_keys
    std::string web_identity_token_file;    // base_source::web_identity (the role is roles[0])
    std::vector<assume_role_step> roles;    // assumed in order, each with the previous one's keys
};

// Errors name the profile and the files: "profile 'x' not found in /home/u/.aws/config or ...",
// "profile 'a' and 'b' refer to each other through source_profile", ...
std::optional<credential_plan> plan_credentials(const shared_config& config, std::string_view profile_name,
                                                std::string& error);

}  // namespace shiftsync::aws::config
