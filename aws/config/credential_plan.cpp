#include "aws/config/credential_plan.hpp"

#include <charconv>
#include <set>

namespace shiftsync::aws::config {
namespace {

std::string files_of(const shared_config& config) {
    return config.locations().config_path.empty()
               ? std::string("the shared config files")
               : config.locations().config_path + " or " + config.locations().credentials_path;
}

bool has_static_keys(const profile& p) { return p.get("aws_access_key_id") && p.get("aws_secret_access_key"); }

std::optional<assume_role_step> role_step(const profile& p, std::string& error) {
    assume_role_step step;
    step.role_arn = *p.get("role_arn");
    step.external_id = p.get("external_id").value_or("");
    step.role_session_name = p.get("role_session_name").value_or("");
    step.profile = p.name;
    if (auto d = p.get("duration_seconds")) {
        long long seconds = 0;
        auto [end, ec] = std::from_chars(d->data(), d->data() + d->size(), seconds);
        if (ec != std::errc{} || end != d->data() + d->size() || seconds < 900 || seconds > 43200) {
            error = "profile '" + p.name + "': duration_seconds must be a number from 900 to 43200, not '" + *d + "'";
            return std::nullopt;
        }
        step.duration = std::chrono::seconds(seconds);
    }
    return step;
}

bool resolve(const shared_config& config, const profile& p, std::set<std::string>& visited, credential_plan& plan,
             std::string& error) {
    visited.insert(p.name);
    auto role_arn = p.get("role_arn");
    if (!role_arn) {
        if (has_static_keys(p)) {
            plan.source = base_source::static_keys;
            plan.static_credentials = sigv4::credentials{*p.get("aws_access_key_id"), *p.get("aws_secret_access_key"),
                                                         p.get("aws_session_token").value_or("")};
            return true;
        }
        error = "profile '" + p.name + "' has neither aws_access_key_id/aws_secret_access_key nor role_arn (" +
                files_of(config) + ")";
        return false;
    }

    auto step = role_step(p, error);
    if (!step) return false;
    auto source_profile = p.get("source_profile");
    auto credential_source = p.get("credential_source");
    auto token_file = p.get("web_identity_token_file");
    int sources = (source_profile ? 1 : 0) + (credential_source ? 1 : 0) + (token_file ? 1 : 0);
    if (sources != 1) {
        error = "profile '" + p.name + "' sets role_arn, so it needs exactly one of source_profile, " +
                "credential_source or web_identity_token_file";
        return false;
    }

    if (token_file) {
        plan.source = base_source::web_identity;
        plan.web_identity_token_file = *token_file;
    } else if (credential_source) {
        if (*credential_source == "Environment") {
            plan.source = base_source::environment;
        } else if (*credential_source == "EcsContainer") {
            plan.source = base_source::container;
        } else if (*credential_source == "Ec2InstanceMetadata") {
            plan.source = base_source::ec2_metadata;
        } else {
            error = "profile '" + p.name + "': credential_source must be Environment, EcsContainer or "
                    "Ec2InstanceMetadata, not '" + *credential_source + "'";
            return false;
        }
    } else if (*source_profile == p.name) {
        // A profile may name itself as its source: its own static keys assume its role.
        if (!has_static_keys(p)) {
            error = "profile '" + p.name + "' is its own source_profile but has no aws_access_key_id";
            return false;
        }
        plan.source = base_source::static_keys;
        plan.static_credentials = sigv4::credentials{*p.get("aws_access_key_id"), *p.get("aws_secret_access_key"),
                                                     p.get("aws_session_token").value_or("")};
    } else {
        if (visited.contains(*source_profile)) {
            error = "profiles '" + p.name + "' and '" + *source_profile +
                    "' refer to each other through source_profile (a loop)";
            return false;
        }
        const profile* source = config.find_profile(*source_profile);
        if (!source) {
            error = "profile '" + p.name + "' names source_profile '" + *source_profile + "', which is not in " +
                    files_of(config);
            return false;
        }
        if (!resolve(config, *source, visited, plan, error)) return false;
    }
    plan.roles.push_back(std::move(*step));
    return true;
}

}  // namespace

std::optional<credential_plan> plan_credentials(const shared_config& config, std::string_view profile_name,
                                                std::string& error) {
    const profile* p = config.find_profile(profile_name);
    if (!p) {
        error = "profile '" + std::string(profile_name) + "' not found in " + files_of(config);
        return std::nullopt;
    }
    credential_plan plan;
    std::set<std::string> visited;
    if (!resolve(config, *p, visited, plan, error)) return std::nullopt;
    return plan;
}

}  // namespace shiftsync::aws::config
