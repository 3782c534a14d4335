#pragma once
// Private to aws/credentials/: what the container and EC2 metadata providers share — their HTTP
// options (short deadlines: off AWS these endpoints do not answer, and the chain must move on fast),
// the environment lookup, and URLs split into where to connect, what to request and what to show.

#include "aws/credentials/refreshing_provider.hpp"
#include "aws/endpoints/endpoint_resolver.hpp"
#include "engine/http/client.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace shiftsync::aws::detail {

engine::http::request_options metadata_options();

// When to refresh metadata credentials: from 5 minutes before expiry, blocking from 1. Not the STS
// providers' 15/10: EC2 hands out new keys only from 5 minutes before the old ones expire, so with
// 15/10 every call between T-10 and T-5 would block on a fetch that brings back the same keys.
refresh_timing metadata_refresh_timing();

// The variable's value, or null when unset or empty; `env` empty means the process environment.
const char* env_value(const endpoints::env_lookup& env, const char* name);

struct metadata_url {
    engine::http::endpoint where;
    std::string target;  // path and query, as requested ("/" when the URL has none)
    std::string shown;   // scheme://host:port/path, for messages (no query, no user info)
};

// "http://127.0.0.1:8080/creds?x=1" -> where, target "/creds?x=1", shown "http://127.0.0.1:8080/creds".
std::optional<metadata_url> parse_metadata_url(std::string_view url);

}  // namespace shiftsync::aws::detail
