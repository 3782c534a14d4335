// What the container and EC2 metadata providers share, and the credentials document both serve.
#include "aws/credentials/chain.hpp"
#include "aws/credentials/metadata_endpoint.hpp"
#include "sigv4/amz_date.hpp"

#include <boost/json.hpp>

#include <cstdlib>

namespace shiftsync::aws {
namespace detail {

namespace http = engine::http;

// Metadata endpoints answer in milliseconds or not at all: off AWS, fail fast.
http::request_options metadata_options() {
    http::request_options o;
    o.deadlines.connect = std::chrono::milliseconds(1000);
    o.deadlines.first_byte = std::chrono::milliseconds(1000);
    o.deadlines.total = std::chrono::milliseconds(3000);
    o.retry = engine::retry_config{.max_attempts = 2};
    o.priority = engine::priority::control;
    o.max_body_bytes = 64 * 1024;
    return o;
}

refresh_timing metadata_refresh_timing() {
    refresh_timing t;
    t.refresh_ahead = std::chrono::minutes(5);
    t.block_ahead = std::chrono::minutes(1);
    return t;
}

const char* env_value(const endpoints::env_lookup& env, const char* name) {
    const char* v = env ? env(name) : std::getenv(name);
    return v && *v ? v : nullptr;
}

std::optional<metadata_url> parse_metadata_url(std::string_view url) {
    auto where = http::endpoint::parse(url);
    auto scheme_end = url.find("://");
    if (!where || scheme_end == std::string_view::npos) return std::nullopt;
    auto authority_end = url.find_first_of("/?#", scheme_end + 3);
    std::string_view authority = url.substr(scheme_end + 3, authority_end - (scheme_end + 3));
    if (authority.find('@') != std::string_view::npos) return std::nullopt;  // no credentials in URLs
    metadata_url out{*where, "/", {}};
    if (authority_end != std::string_view::npos) {
        std::string_view rest = url.substr(authority_end);
        rest = rest.substr(0, rest.find('#'));
        out.target = rest.starts_with('/') ? std::string(rest) : "/" + std::string(rest);
    }
    out.shown = std::string(url.substr(0, authority_end == std::string_view::npos ? url.size() : authority_end)) +
                out.target.substr(0, out.target.find('?'));
    return out;
}

}  // namespace detail

boost::system::result<timed_credentials> parse_metadata_credentials(std::string_view text) {
    boost::system::error_code ec;
    boost::json::value doc = boost::json::parse(text, ec);
    if (ec || !doc.is_object()) return make_error_code(errc::malformed_response);
    const auto& o = doc.as_object();
    auto get = [&](const char* key) -> std::string {
        auto* v = o.if_contains(key);
        return v && v->is_string() ? std::string(v->as_string()) : std::string();
    };
    timed_credentials out;
    out.creds = sigv4::credentials{get("AccessKeyId"), get("SecretAccessKey"), get("Token")};
    if (out.creds.access_key_id.empty() || out.creds.secret_access_key.empty())
        return make_error_code(errc::malformed_response);
    if (auto expiration = get("Expiration"); !expiration.empty()) {
        auto t = sigv4::parse_amz_date(expiration);
        if (!t) return make_error_code(errc::malformed_response);
        out.expiration = *t;
    }
    return out;
}

}  // namespace shiftsync::aws
