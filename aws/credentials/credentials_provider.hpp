#pragma once
// Where an AWS call's credentials come from. Providers are asked before every signature; they
// cache, so asking is cheap. Results are shared, immutable snapshots: many concurrent requests sign
// with one copy of the secret.
//
// Executor: call async_get from the network thread (the engine's single-threaded executor).

#include "aws/error/aws_error.hpp"
#include "sigv4/credentials.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>

namespace shiftsync::aws {

struct timed_credentials {
    sigv4::credentials creds;
    std::optional<std::chrono::system_clock::time_point> expiration;  // empty: long-term keys
};

using credentials_ptr = std::shared_ptr<const timed_credentials>;

class credentials_provider {
public:
    virtual ~credentials_provider() = default;

    virtual boost::asio::awaitable<boost::system::result<credentials_ptr>> async_get(diagnostics& diag) = 0;

    // The service said the credentials expired (ExpiredToken): drop any cached copy.
    virtual void invalidate() {}

    // For messages: "environment variables", "assume role arn:aws:iam::…:role/x (ExternalId sent)".
    virtual std::string describe() const = 0;
};

// Fixed credentials (a profile's keys, or keys handed in by an embedding application).
std::shared_ptr<credentials_provider> make_static_provider(sigv4::credentials creds, std::string description);

// AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, read on each call (so a rotated
// environment is seen); missing_credentials when they are not set.
std::shared_ptr<credentials_provider> make_environment_provider();

}  // namespace shiftsync::aws
