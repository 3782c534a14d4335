#pragma once
// Redshift Serverless workgroups as configured (accounts[].workgroups in the config), and the hook
// through which the Data API side learns of database credentials handed out by GetCredentials (it
// creates or updates the database user with that password).

#include <boost/json/fwd.hpp>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace localaws::serverless {

struct workgroup {
    std::string name;            // "default-workgroup"
    std::string id;              // a UUID, stable across restarts (from config)
    std::string account_id;
    std::string namespace_name;  // "default-namespace"
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

using credentials_hook = std::function<void(const db_credentials&)>;

std::vector<workgroup> load_workgroups(const boost::json::value& config, std::string_view region);

}  // namespace localaws::serverless
