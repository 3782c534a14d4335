#pragma once
// Profiles from the shared config and credentials files, merged as the AWS SDKs merge them: a
// profile is `[profile NAME]` (or `[default]`) in the config file plus `[NAME]` in the credentials
// file, and the credentials file wins where both set a key.

#include "aws/config/ini_file.hpp"

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace shiftsync::aws::config {

struct file_locations {
    std::string config_path;       // AWS_CONFIG_FILE, else ~/.aws/config
    std::string credentials_path;  // AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/credentials

    static file_locations from_environment();
};

struct profile {
    std::string name;
    std::map<std::string, std::string> values;
    std::map<std::string, std::map<std::string, std::string>> nested;

    std::optional<std::string> get(std::string_view key) const;
};

class shared_config {
public:
    // Reads both files; a file that does not exist is simply empty, one that cannot be parsed is an
    // error naming the file and line.
    static std::optional<shared_config> load(const file_locations& where, std::string& error);
    static std::optional<shared_config> parse(std::string_view config_text, std::string_view credentials_text,
                                              std::string& error);

    const profile* find_profile(std::string_view name) const;
    // A `[services NAME]` section: per-service nested settings such as endpoint_url.
    const ini_section* find_services(std::string_view name) const;

    const file_locations& locations() const { return where_; }

private:
    std::map<std::string, profile, std::less<>> profiles_;
    std::map<std::string, ini_section, std::less<>> services_;
    file_locations where_;
};

// AWS_PROFILE, else AWS_DEFAULT_PROFILE, else "default".
std::string profile_name_from_environment();

}  // namespace shiftsync::aws::config
