#pragma once
// AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, looked up through `env` on each
// call (so a rotated environment is seen); missing_credentials when they are not set. `env` is the credential chain's lookup
// (chain_settings::env, an endpoints::env_lookup); empty means the process environment, so tests
// and embedding applications can hand in variables without touching the process's.

#include "aws/credentials/credentials_provider.hpp"

#include <functional>
#include <memory>

namespace shiftsync::aws {

std::shared_ptr<credentials_provider> make_environment_provider(std::function<const char*(const char*)> env = {});

}  // namespace shiftsync::aws
