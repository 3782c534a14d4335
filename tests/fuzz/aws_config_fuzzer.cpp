// Credentials and endpoint configuration beyond the INI syntax (the ini fuzzer has that):
// profiles merged from both files (aws/config/shared_config), the credential plan they make
// (credential_plan: role chains, source_profile loops, credential_source, duration_seconds),
// endpoint resolution from --endpoint-url, AWS_ENDPOINT_URL[_<SERVICE>], the profile's services
// section and endpoint_url (aws/endpoints), S3 addressing, and the metadata endpoints' URL and
// credentials document (aws/credentials/metadata_providers, engine/http/endpoint). Checked beyond
// "no crash":
//   - refusals say why (a file error names the file and the line);
//   - a plan has keys or a source, every role an ARN and a duration STS accepts, and no longer
//     a chain than there are profiles;
//   - a resolved endpoint is one a connection can be opened to (http or https, a host, a port
//     that is not 0), and its URL resolves back to the same endpoint;
//   - an engine endpoint's host holds no part of the path, query, fragment or user info, and its
//     key parses back to it; a metadata URL's target starts with '/';
//   - a credentials document that parses, written back as JSON, parses to the same credentials.
//
// Input: byte 0 = service (low 2 bits) and force path style (bit 2); then NUL-separated: config
// file, credentials file, profile, region, environment ("NAME=value" lines), --endpoint-url,
// bucket, key, metadata URL, metadata credentials document.

#include "aws/config/credential_plan.hpp"
#include "aws/credentials/chain.hpp"
#include "aws/credentials/metadata_endpoint.hpp"
#include "aws/endpoints/endpoint_resolver.hpp"
#include "sigv4/amz_date.hpp"
#include "tests/fuzz/fuzz_input.hpp"

#include <boost/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>

namespace aws = shiftsync::aws;
namespace endpoints = shiftsync::aws::endpoints;

namespace {

// Names the failed check's line before aborting (libFuzzer shows only the fuzzer's frame).
void check(bool ok, int line = __builtin_LINE()) {
    if (ok) return;
    std::fprintf(stderr, "aws_config_fuzzer.cpp:%d: check failed\n", line);
    std::abort();
}

bool connectable(const endpoints::endpoint& e) {
    return (e.scheme == "http" || e.scheme == "https") && !e.host.empty() && e.port != 0;
}

void check_resolved(endpoints::service service, std::string_view region, const endpoints::endpoint& e) {
    check(connectable(e));
    endpoints::endpoint_sources again;
    again.explicit_url = e.url();
    again.env = [](const char*) -> const char* { return nullptr; };
    std::string error;
    auto back = endpoints::resolve(service, region, again, error);
    check(back && back->scheme == e.scheme && back->host == e.host && back->port == e.port &&
          back->base_path == e.base_path);
}

void check_engine_endpoint(std::string_view url) {
    auto e = shiftsync::engine::http::endpoint::parse(url);
    if (!e) return;
    check(!e->host.empty() && e->port != 0);
    check(e->host.find_first_of("/?#@") == std::string::npos);
    auto back = shiftsync::engine::http::endpoint::parse(e->key());
    check(back && back->host == e->host && back->port == e->port && back->scheme == e->scheme);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    shiftsync::fuzz::fuzz_input in(data, size);
    const std::uint8_t choice = in.byte();
    const auto config_text = in.until_nul();
    const auto credentials_text = in.until_nul();
    const std::string profile_name(in.until_nul());
    const auto region = in.until_nul();
    const auto environment = in.until_nul();
    const std::string explicit_url(in.until_nul());
    const auto bucket = in.until_nul();
    const auto key = in.until_nul();
    const auto metadata_url = in.until_nul();
    const auto metadata_document = in.until_nul();

    std::map<std::string, std::string, std::less<>> env;
    for (std::string_view rest = environment; !rest.empty();) {
        const auto nl = rest.find('\n');
        const auto line = rest.substr(0, nl);
        rest = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);
        const auto eq = line.find('=');
        if (eq != std::string_view::npos) env[std::string(line.substr(0, eq))] = std::string(line.substr(eq + 1));
    }
    const endpoints::env_lookup lookup = [&env](const char* name) -> const char* {
        auto it = env.find(std::string_view(name));
        return it == env.end() ? nullptr : it->second.c_str();
    };

    std::string error;
    auto config = aws::config::shared_config::parse(config_text, credentials_text, error);
    if (!config) {
        check(error.starts_with("config file: line ") || error.starts_with("credentials file: line "));
    } else {
        const auto* profile = config->find_profile(profile_name);
        auto plan = aws::config::plan_credentials(*config, profile_name, error);
        if (!plan) {
            check(!error.empty());
        } else {
            check(profile != nullptr);
            if (plan->source == aws::config::base_source::static_keys)
                check(!plan->static_credentials.access_key_id.empty() &&
                      !plan->static_credentials.secret_access_key.empty());
            if (plan->source == aws::config::base_source::web_identity) check(!plan->web_identity_token_file.empty());
            for (const auto& role : plan->roles) {
                check(!role.role_arn.empty());
                if (role.duration) check(role.duration->count() >= 900 && role.duration->count() <= 43200);
            }
        }

        const auto service = static_cast<endpoints::service>(choice & 3);
        endpoints::endpoint_sources sources;
        sources.explicit_url = explicit_url;
        sources.config = &*config;
        sources.profile = profile;
        sources.env = lookup;
        if (auto e = endpoints::resolve(service, region, sources, error)) {
            check_resolved(service, region, *e);
            const bool force_path = (choice & 4) != 0;
            const auto address = endpoints::address_s3(*e, bucket, key, force_path);
            check(!address.host_header.empty() && address.path.starts_with(e->base_path + "/"));
            if (!endpoints::uses_path_style(*e, bucket, force_path))
                check(address.host_header.starts_with(std::string(bucket) + "." + e->host));
        } else {
            check(!error.empty());
        }
    }

    check_engine_endpoint(metadata_url);
    if (auto where = aws::detail::parse_metadata_url(metadata_url)) {
        check(where->target.starts_with("/"));
        check(where->shown.find('?') == std::string::npos);
        check(where->where.host.find_first_of("/?#@") == std::string::npos);
    }

    if (auto creds = aws::parse_metadata_credentials(metadata_document)) {
        check(!creds->creds.access_key_id.empty() && !creds->creds.secret_access_key.empty());
        boost::json::object doc{{"AccessKeyId", creds->creds.access_key_id},
                                {"SecretAccessKey", creds->creds.secret_access_key},
                                {"Token", creds->creds.session_token}};
        if (creds->expiration) doc["Expiration"] = shiftsync::sigv4::format_amz_date(*creds->expiration);
        auto back = aws::parse_metadata_credentials(boost::json::serialize(doc));
        check(back && back->creds.access_key_id == creds->creds.access_key_id &&
              back->creds.secret_access_key == creds->creds.secret_access_key &&
              back->creds.session_token == creds->creds.session_token && back->expiration == creds->expiration);
    }
    return 0;
}
