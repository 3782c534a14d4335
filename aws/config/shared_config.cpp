#include "aws/config/shared_config.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace shiftsync::aws::config {
namespace {

const char* env(const char* name) {
    const char* v = std::getenv(name);
    return v && *v ? v : nullptr;
}

std::string home_file(const char* relative) {
    const char* home = env("HOME");
    return std::string(home ? home : "") + relative;
}

bool read_if_exists(const std::string& path, std::string& text, std::string& error) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return true;  // absent: nothing configured there
    std::stringstream ss;
    ss << in.rdbuf();
    if (in.bad()) {
        error = "cannot read " + path;
        return false;
    }
    text = ss.str();
    return true;
}

void merge_into(profile& p, const ini_section& section) {
    for (const auto& [k, v] : section.values) p.values[k] = v;
    for (const auto& [k, nested] : section.nested)
        for (const auto& [nk, nv] : nested) p.nested[k][nk] = nv;
}

}  // namespace

file_locations file_locations::from_environment() {
    file_locations where;
    where.config_path = env("AWS_CONFIG_FILE") ? env("AWS_CONFIG_FILE") : home_file("/.aws/config");
    where.credentials_path =
        env("AWS_SHARED_CREDENTIALS_FILE") ? env("AWS_SHARED_CREDENTIALS_FILE") : home_file("/.aws/credentials");
    return where;
}

std::optional<std::string> profile::get(std::string_view key) const {
    auto it = values.find(std::string(key));
    if (it == values.end() || it->second.empty()) return std::nullopt;
    return it->second;
}

std::optional<shared_config> shared_config::load(const file_locations& where, std::string& error) {
    std::string config_text, credentials_text;
    if (!read_if_exists(where.config_path, config_text, error)) return std::nullopt;
    if (!read_if_exists(where.credentials_path, credentials_text, error)) return std::nullopt;
    std::string parse_error;
    auto config = parse(config_text, credentials_text, parse_error);
    if (!config) {
        error = parse_error;
        return std::nullopt;
    }
    config->where_ = where;
    return config;
}

std::optional<shared_config> shared_config::parse(std::string_view config_text, std::string_view credentials_text,
                                                  std::string& error) {
    std::string file_error;
    auto config_ini = parse_ini(config_text, file_error);
    if (!config_ini) {
        error = "config file: " + file_error;
        return std::nullopt;
    }
    auto credentials_ini = parse_ini(credentials_text, file_error);
    if (!credentials_ini) {
        error = "credentials file: " + file_error;
        return std::nullopt;
    }
    shared_config out;
    for (const auto& [header, section] : config_ini->sections) {
        if (header == "default") {
            merge_into(out.profiles_["default"], section);
        } else if (header.starts_with("profile ")) {
            merge_into(out.profiles_[header.substr(8)], section);
        } else if (header.starts_with("services ")) {
            out.services_[header.substr(9)] = section;
        }
        // Other sections (sso-session, plain names in the config file) are not profiles.
    }
    for (const auto& [header, section] : credentials_ini->sections) merge_into(out.profiles_[header], section);
    for (auto& [name, p] : out.profiles_) p.name = name;
    return out;
}

const profile* shared_config::find_profile(std::string_view name) const {
    auto it = profiles_.find(name);
    return it == profiles_.end() ? nullptr : &it->second;
}

const ini_section* shared_config::find_services(std::string_view name) const {
    auto it = services_.find(name);
    return it == services_.end() ? nullptr : &it->second;
}

std::string profile_name_from_environment() {
    if (const char* p = env("AWS_PROFILE")) return p;
    if (const char* p = env("AWS_DEFAULT_PROFILE")) return p;
    return "default";
}

}  // namespace shiftsync::aws::config
