#include "aws/endpoints/endpoint_resolver.hpp"

#include "sigv4/uri_encoding.hpp"

#include <boost/url/parse.hpp>

#include <cstdlib>

namespace shiftsync::aws::endpoints {
namespace {

const service_names all_names[] = {
    {"sts", "STS", "sts"},
    {"redshift-data", "REDSHIFT_DATA", "redshift_data"},
    {"redshift-serverless", "REDSHIFT_SERVERLESS", "redshift_serverless"},
    {"s3", "S3", "s3"},
};

bool truthy(const char* v) { return v && (std::string_view(v) == "true" || std::string_view(v) == "TRUE"); }

std::optional<endpoint> parse_url(std::string_view url, std::string& error, std::string_view from) {
    auto parsed = boost::urls::parse_uri(url);
    if (!parsed || (parsed->scheme() != "http" && parsed->scheme() != "https") || parsed->host().empty()) {
        error = std::string(from) + ": '" + std::string(url) + "' is not an http:// or https:// URL";
        return std::nullopt;
    }
    // User info is never sent (requests are signed, not authenticated by URL), and dropping it
    // silently would leave a request going elsewhere than the URL reads ("https://a@b@host/" has
    // host "b" in Boost.URL's reading).
    if (parsed->has_userinfo()) {
        error = std::string(from) + ": '" + std::string(url) + "' carries user info (user@): not supported";
        return std::nullopt;
    }
    // Boost.URL's port_number() is 0 for "host:", "host:0" and a port past 65535: none of them is
    // a port to connect to.
    if (parsed->has_port() && parsed->port_number() == 0) {
        error = std::string(from) + ": '" + std::string(url) + "' has port '" + std::string(parsed->port()) +
                "', not a number from 1 to 65535";
        return std::nullopt;
    }
    endpoint e;
    e.scheme = std::string(parsed->scheme());
    e.host = std::string(parsed->encoded_host());
    e.port = parsed->has_port() ? static_cast<std::uint16_t>(parsed->port_number()) : (e.scheme == "https" ? 443 : 80);
    e.base_path = std::string(parsed->encoded_path());
    // After an authority a path is empty or starts with '/' (RFC 3986 3.3). Boost.URL 1.81 reads
    // "host:80s3/p" as port 80 and the path "s3/p", which would go out as "GET s3/p/bucket".
    if (!e.base_path.empty() && e.base_path.front() != '/') {
        error = std::string(from) + ": '" + std::string(url) + "' is not an http:// or https:// URL";
        return std::nullopt;
    }
    while (!e.base_path.empty() && e.base_path.back() == '/') e.base_path.pop_back();
    e.custom = true;
    return e;
}

std::string_view dns_suffix(std::string_view region) {
    return region.starts_with("cn-") ? "amazonaws.com.cn" : "amazonaws.com";
}

bool dns_compatible_bucket(std::string_view bucket) {
    if (bucket.size() < 3 || bucket.size() > 63) return false;
    for (char c : bucket)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
    return bucket.front() != '-' && bucket.back() != '-';
}

}  // namespace

const service_names& names_of(service s) { return all_names[static_cast<int>(s)]; }

std::string endpoint::host_header() const {
    bool default_port = (scheme == "https" && port == 443) || (scheme == "http" && port == 80);
    return default_port ? host : host + ":" + std::to_string(port);
}

std::string endpoint::url() const { return scheme + "://" + host_header() + base_path; }

bool valid_region(std::string_view region) {
    if (region.empty() || region.size() > 64) return false;
    for (char c : region)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
    return true;
}

std::optional<endpoint> resolve(service s, std::string_view region, const endpoint_sources& sources,
                                std::string& error) {
    const service_names& names = names_of(s);
    env_lookup env = sources.env ? sources.env : env_lookup([](const char* n) -> const char* { return std::getenv(n); });

    if (!sources.explicit_url.empty()) return parse_url(sources.explicit_url, error, "--endpoint-url");

    bool ignore_configured = truthy(env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")) ||
                             (sources.profile && sources.profile->get("ignore_configured_endpoint_urls") == "true");
    if (!ignore_configured) {
        std::string specific = "AWS_ENDPOINT_URL_" + std::string(names.env_suffix);
        if (const char* v = env(specific.c_str()); v && *v) return parse_url(v, error, specific);
        if (const char* v = env("AWS_ENDPOINT_URL"); v && *v) return parse_url(v, error, "AWS_ENDPOINT_URL");
        if (sources.profile && sources.config) {
            if (auto services_name = sources.profile->get("services")) {
                if (const config::ini_section* section = sources.config->find_services(*services_name)) {
                    auto nested = section->nested.find(std::string(names.config_key));
                    if (nested != section->nested.end()) {
                        auto url = nested->second.find("endpoint_url");
                        if (url != nested->second.end() && !url->second.empty())
                            return parse_url(url->second, error, "[services " + *services_name + "]");
                    }
                }
            }
        }
        if (sources.profile)
            if (auto url = sources.profile->get("endpoint_url"))
                return parse_url(*url, error, "profile '" + sources.profile->name + "' endpoint_url");
    }

    if (!valid_region(region)) {
        error = region.empty() ? "no region: pass --region, set AWS_REGION, or set region in the profile"
                               : "'" + std::string(region) + "' is not a region name (like us-east-1)";
        return std::nullopt;
    }
    endpoint e;
    e.host = std::string(names.signing_name) + "." + std::string(region) + "." + std::string(dns_suffix(region));
    return e;
}

bool uses_path_style(const endpoint& e, std::string_view bucket, bool force_path_style) {
    return force_path_style || e.custom || !dns_compatible_bucket(bucket);
}

s3_address address_s3(const endpoint& e, std::string_view bucket, std::string_view key, bool force_path_style) {
    s3_address out;
    std::string encoded_key;
    sigv4::append_uri_encoded(encoded_key, key, sigv4::slash::keep);
    if (uses_path_style(e, bucket, force_path_style)) {
        out.host_header = e.host_header();
        out.path = e.base_path + "/" + std::string(bucket);
        if (!key.empty()) out.path += "/" + encoded_key;
    } else {
        endpoint virtual_host = e;
        virtual_host.host = std::string(bucket) + "." + e.host;
        out.host_header = virtual_host.host_header();
        out.path = e.base_path + "/" + encoded_key;
    }
    return out;
}

}  // namespace shiftsync::aws::endpoints
