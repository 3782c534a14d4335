#pragma once
// The AWS shared config and credentials files (~/.aws/config, ~/.aws/credentials), parsed the way
// the AWS CLI and SDKs read them:
//
//   [default]                 # comments start with '#' or ';' at the beginning of a line
//   region = us-east-1
//   s3 =                      # a nested section: indented "key = value" lines below
//     addressing_style = path
//   [profile analytics]       # config file: "profile NAME"; credentials file: just "NAME"
//   [services local]          # endpoint overrides, referenced by a profile's `services = local`
//
// Keys are case-insensitive (stored lower-case); values are kept verbatim after trimming.

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace shiftsync::aws::config {

struct ini_section {
    std::map<std::string, std::string> values;
    std::map<std::string, std::map<std::string, std::string>> nested;  // "s3" -> {addressing_style: path}
};

struct ini_file {
    std::map<std::string, ini_section> sections;  // by the header's text: "default", "profile x", "services y"
};

// On a syntax error returns nullopt and says where in `error` ("line 7: ...").
std::optional<ini_file> parse_ini(std::string_view text, std::string& error);

}  // namespace shiftsync::aws::config
