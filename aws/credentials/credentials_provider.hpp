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
#include <string_view>

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

    // The AWS account these credentials act in, when it is known without asking AWS (an assumed
    // role's ARN names it); empty when unknown (static or environment keys). It keys per-account
    // quotas: the Data API's rate limiters are one per account, region and operation, shared by
    // every client in the process. Cheap, and fixed for the provider's life (asked once per client).
    // Wrappers delegate it to the provider they wrap.
    virtual std::string account_hint() const { return {}; }
};

// The account field of an ARN ("arn:aws:iam::111122223333:role/x" -> "111122223333"), or empty
// when `arn` is not an ARN with a 12-digit account.
inline std::string account_of_arn(std::string_view arn) {
    std::size_t at = 0;
    for (int colons = 0; colons < 4; ++colons) {
        at = arn.find(':', at);
        if (at == std::string_view::npos) return {};
        ++at;
    }
    if (!arn.starts_with("arn:")) return {};
    const auto account = arn.substr(at, arn.find(':', at) - at);
    const bool digits = account.size() == 12 && account.find_first_not_of("0123456789") == std::string_view::npos;
    return digits ? std::string(account) : std::string{};
}

// Fixed credentials (a profile's keys, or keys handed in by an embedding application).
std::shared_ptr<credentials_provider> make_static_provider(sigv4::credentials creds, std::string description);

// The environment's keys: make_environment_provider in environment_provider.hpp.

}  // namespace shiftsync::aws
