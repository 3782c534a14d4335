#pragma once
// IAM identities become PostgreSQL roles, as Redshift Serverless maps them:
//   assumed role  arn:aws:sts::<acct>:assumed-role/<role>/<session>  ->  database user "IAMR:<role>"
//   IAM user      arn:aws:iam::<acct>:user/<user>                     ->  database user "IAM:<user>"
// and the role's RedshiftDbRoles tag ("a:b:c") makes the user a member of those database roles.
//
// Privilege mapping (Redshift -> PostgreSQL), kept as real GRANTs so a missing one fails for real:
//   TEMP / CREATE on a database   -> the same GRANTs. TEMP is revoked from PUBLIC (PostgreSQL and
//                                     Redshift both grant it by default) so that, as the guide's
//                                     setup assumes, temp tables come from the database role alone
//                                     and revoking it there really takes them away.
//   CREATE on a schema            -> GRANT USAGE, CREATE ON SCHEMA
//   INSERT/DELETE/UPDATE/TRUNCATE on tables it creates
//                                 -> ALTER DEFAULT PRIVILEGES FOR ROLE <user> ... TO <db role>, so
//                                     every member of the database role may write the tables any
//                                     member creates
//   ALTER / DROP                  -> PostgreSQL has no such privileges: they come with ownership.
//                                     The creating user owns its tables, so it may ALTER and DROP
//                                     them; other members may not (a documented difference).
// Memberships follow the tag: each ensure_user() with a different role list reconciles them —
// roles named by the tag are granted, roles the tag granted earlier and no longer names are
// revoked. Roles absent from the cluster are ignored, as Redshift ignores them; superuser roles
// are never granted. Only the tag's own grants are ever revoked: they are recorded with grantor
// `tag_grantor_role` (GRANT … GRANTED BY), so a membership an admin granted in SQL (grantor: the
// admin) stays when the tag stops naming it. PostgreSQL 15 keeps one membership row per (role,
// member) pair, so whoever granted first is the grantor: a role the tag names that an admin had
// already granted stays the admin's; an admin's GRANT of a role the tag had already granted is a
// no-op and leaves it the tag's. Memberships granted before this reconciliation existed (by the
// superuser) count as an admin's.
//
// Thread safety: every member function may be called from any thread (one internal mutex).

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "tools/localaws/redshift/pg/cluster.hpp"
#include "tools/localaws/redshift/pg/connection.hpp"

namespace localaws::redshift {

struct db_identity {
    std::string db_user;                  // "IAMR:<role>" or "IAM:<user>"
    std::vector<std::string> db_roles;    // from the RedshiftDbRoles tag
};

// "IAMR:<role>" for an assumed-role or role ARN, "IAM:<user>" for a user ARN; empty if neither.
std::string db_user_for_arn(const std::string& principal_arn);
// Splits a RedshiftDbRoles tag value ("rss_admin:reporting") into role names; empty parts dropped.
std::vector<std::string> split_db_roles(const std::string& tag_value);

// The NOLOGIN role recorded as grantor of the memberships the RedshiftDbRoles tag grants.
inline constexpr const char* tag_grantor_role = "localaws_db_roles_tag";

class identity_provisioner {
public:
    explicit identity_provisioner(const pg::cluster& cluster) : cluster_(cluster) {}

    // The default setup: database `database` and database role `role` with the guide's grants.
    // Runs its grants only when it creates the role, so an operator's later REVOKE survives restarts.
    std::string ensure_default_setup(const std::string& database = "dev", const std::string& role = "rss_admin");

    // Creates the user when missing (LOGIN, no password), reconciles its memberships with the
    // tagged roles, and sets default privileges in `database`. Cached: repeated calls for the same
    // identity and role list cost nothing; a changed role list reconciles again.
    std::string ensure_user(const db_identity& identity, const std::string& database);
    // Drops the cache for `db_user` (after an operator dropped the role, say): the next
    // ensure_user() provisions it again.
    void forget(const std::string& db_user);

    // GetCredentials: provisions the user for `database` (its dbName) as ensure_user() does, then
    // sets a password (sent already SCRAM-hashed, so it never appears in any log) that PostgreSQL
    // accepts until `valid_until` (PostgreSQL's clock), and makes the user a member of
    // pg::endpoint_login_role, which pg_hba.conf lets log in over TCP.
    std::string set_password(const db_identity& identity, const std::string& database, const std::string& password,
                             std::chrono::system_clock::time_point valid_until);
    // Moves the expiry of the password set_password() gave `db_user` (localaws's clock moved); a
    // role that no longer exists is no error.
    std::string set_valid_until(const std::string& db_user, std::chrono::system_clock::time_point valid_until);

private:
    pg::connection* admin(const std::string& database, std::string& error);
    std::string create_role_locked(pg::connection& root, const std::string& name, bool login);
    std::string reconcile_memberships_locked(const db_identity& identity);

    const pg::cluster& cluster_;
    std::mutex mutex_;
    std::map<std::string, std::unique_ptr<pg::connection>> admin_by_database_;
    std::set<std::string> provisioned_;                            // "<database>\n<user>\n<roles>"
    std::map<std::string, std::vector<std::string>> memberships_;  // user -> tag roles last reconciled
};

}  // namespace localaws::redshift
