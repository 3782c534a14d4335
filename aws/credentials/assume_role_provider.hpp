#pragma once
// Credentials of an assumed role (STS AssumeRole with the ExternalId the role's trust policy asks
// for), cached and refreshed ahead of expiry:
//   - more than 15 minutes left: the cached keys are used as they are;
//   - 10 to 15 minutes left: the first caller refreshes, everyone else keeps using the cached keys;
//   - under 10 minutes (or none yet): every caller waits for the one refresh in flight.
// However many coroutines need credentials at once, one AssumeRole call is made.
// Failures say which role, whether an ExternalId was sent, and STS's own words.

#include "aws/config/credential_plan.hpp"
#include "aws/credentials/credentials_provider.hpp"
#include "aws/sts/sts_client.hpp"

#include <functional>
#include <memory>

namespace shiftsync::aws {

struct assume_role_settings {
    config::assume_role_step role;
    std::chrono::seconds refresh_ahead{15 * 60};
    std::chrono::seconds block_ahead{10 * 60};
    std::function<std::chrono::system_clock::time_point()> now = [] { return std::chrono::system_clock::now(); };
};

// `sts` must be built on the *source* credentials (the identity that assumes the role).
std::shared_ptr<credentials_provider> make_assume_role_provider(std::shared_ptr<service_client> sts,
                                                                assume_role_settings settings);

}  // namespace shiftsync::aws
