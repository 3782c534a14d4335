#pragma once
// The identity behind a request, as IAM sees it after authentication.

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace localaws::iam {

struct policy;

enum class principal_kind { anonymous, user, assumed_role, root };

struct principal {
    principal_kind kind = principal_kind::anonymous;
    std::string account_id;     // "111122223333"
    std::string arn;            // arn:aws:iam::568237466542:user/operator
                                // arn:aws:sts::111122223333:assumed-role/shiftsync-connector/<session>
    std::string user_id;        // AIDA... or AROA...:<session> (GetCallerIdentity's UserId)
    std::string user_name;      // users
    std::string role_name;      // assumed roles
    std::string role_arn;       // arn:aws:iam::111122223333:role/shiftsync-connector
    std::string session_name;   // assumed roles
    std::string access_key_id;
    std::map<std::string, std::string> tags;  // the role's (or user's) tags: RedshiftDbRoles ...
    std::vector<const policy*> identity_policies;  // owned by the iam::directory
    std::chrono::system_clock::time_point expiration{};  // temporary credentials only

    // "IAMR:<role>" for an assumed role, "IAM:<user>" for a user (Redshift's database user names).
    std::string redshift_db_user() const {
        if (kind == principal_kind::assumed_role) return "IAMR:" + role_name;
        if (kind == principal_kind::user) return "IAM:" + user_name;
        return {};
    }
};

// Extra request facts policies may test in Condition blocks ("sts:ExternalId", "s3:prefix" ...).
using condition_context = std::map<std::string, std::string>;

}  // namespace localaws::iam
