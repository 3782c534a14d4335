#pragma once
// Redshift Serverless workgroups as configured (accounts[].workgroups in the config), and the
// database credentials GetCredentials hands out (serverless/database.hpp makes them work).

#include <boost/json/fwd.hpp>

#include <chrono>
#include <string>
#include <vector>

namespace localaws::serverless {

struct workgroup {
    std::string name;            // "default-workgroup"
    std::string id;              // a UUID, stable across restarts (from config)
    std::string account_id;
    std::string namespace_name;  // "default-namespace"
    std::string custom_domain_name;  // optional ("custom_domain_name"): GetCredentials' customDomainName
    std::string arn;             // arn:aws:redshift-serverless:<region>:<account>:workgroup/<id>
    std::vector<std::string> databases;  // "dev"
};

struct db_credentials {
    std::string workgroup;
    std::string database;
    std::string db_user;      // "IAMR:shiftsync-connector"
    std::string db_password;  // a secret: never log it
    std::chrono::system_clock::time_point expiration;
    std::string db_roles;     // the principal's RedshiftDbRoles tag ("rss_admin"), colon-separated
};

std::vector<workgroup> load_workgroups(const boost::json::value& config, std::string_view region);

// The ARN a workgroup named `name` in `account` would have: its own when it exists, else one
// built from the name (there is no id to build it from). IAM decides on it before localaws looks
// the workgroup up, as AWS does, so a caller without permission learns nothing about existence.
std::string workgroup_arn_for(const std::vector<workgroup>& all, std::string_view region, std::string_view account,
                              std::string_view name);
// The workgroup `name` of `account` (names are unique per account and region), or null.
const workgroup* find_workgroup(const std::vector<workgroup>& all, std::string_view account, std::string_view name);

}  // namespace localaws::serverless
