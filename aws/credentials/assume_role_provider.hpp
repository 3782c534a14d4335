#pragma once
// Credentials of an assumed role: STS AssumeRole, with the ExternalId the role's trust policy asks
// for, cached and refreshed ahead of expiry as refreshing_provider describes. Failures say which
// role, whether an ExternalId was sent, and STS's own words. Its account_hint() is the role ARN's
// account (where the session acts), so per-account quotas are kept per customer account.

#include "aws/config/credential_plan.hpp"
#include "aws/credentials/refreshing_provider.hpp"
#include "aws/sts/sts_client.hpp"

#include <memory>

namespace shiftsync::aws {

struct assume_role_settings {
    config::assume_role_step role;
    refresh_timing timing{};
};

// `sts` must be built on the *source* credentials (the identity that assumes the role).
std::shared_ptr<credentials_provider> make_assume_role_provider(std::shared_ptr<service_client> sts,
                                                                assume_role_settings settings);

}  // namespace shiftsync::aws
