#pragma once
// Where each service lives. Regional AWS endpoints by default; overrides read the way the SDKs
// read them, first match wins:
//   1. an explicit URL (the --endpoint-url flag),
//   2. AWS_ENDPOINT_URL_<SERVICE> (AWS_ENDPOINT_URL_REDSHIFT_DATA, ..._S3, ..._STS, ...),
//   3. AWS_ENDPOINT_URL,
//   4. the profile's `services` section: `<service> =` then indented `endpoint_url = ...`,
//   5. the profile's `endpoint_url`.
// AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true (or the profile's ignore_configured_endpoint_urls)
// disables 2-5.

#include "aws/config/shared_config.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace shiftsync::aws::endpoints {

enum class service { sts, redshift_data, redshift_serverless, s3 };

struct service_names {
    std::string_view signing_name;  // SigV4 scope: "redshift-data"
    std::string_view env_suffix;    // AWS_ENDPOINT_URL_<this>: "REDSHIFT_DATA"
    std::string_view config_key;    // services section key: "redshift_data"
};
const service_names& names_of(service s);

struct endpoint {
    std::string scheme = "https";
    std::string host;        // no port
    std::uint16_t port = 443;
    std::string base_path;   // a custom URL's path without the trailing '/', usually ""
    bool custom = false;     // from an override rather than AWS's regional endpoint

    // "Host" header value: the host, plus ":port" when not the scheme's default.
    std::string host_header() const;
    std::string url() const;
};

using env_lookup = std::function<const char*(const char*)>;

struct endpoint_sources {
    std::string explicit_url;
    const config::shared_config* config = nullptr;
    const config::profile* profile = nullptr;
    env_lookup env;  // default: std::getenv
};

// Errors: a region that is not a valid region name, an override that is not an http(s) URL.
std::optional<endpoint> resolve(service s, std::string_view region, const endpoint_sources& sources,
                                std::string& error);

bool valid_region(std::string_view region);

// S3 request addressing: virtual-hosted ("bucket.s3.region.amazonaws.com/key") where possible;
// path style ("host/bucket/key") for custom endpoints, for bucket names with dots (they break TLS
// host-name checks) or that are not DNS-safe, and when asked for.
struct s3_address {
    std::string host_header;
    std::string path;  // percent-encoded as sent: "/bucket/my%20key" or "/my%20key"
};
s3_address address_s3(const endpoint& e, std::string_view bucket, std::string_view key, bool force_path_style = false);
bool uses_path_style(const endpoint& e, std::string_view bucket, bool force_path_style = false);

}  // namespace shiftsync::aws::endpoints
