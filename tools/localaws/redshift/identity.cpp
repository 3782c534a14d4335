#include "tools/localaws/redshift/identity.hpp"

#include <algorithm>
#include <ctime>

namespace localaws::redshift {

std::string db_user_for_arn(const std::string& arn) {
    auto after = [&](const std::string& marker) -> std::string {
        auto at = arn.find(marker);
        if (at == std::string::npos) return {};
        std::string rest = arn.substr(at + marker.size());
        return rest.substr(0, rest.find('/'));
    };
    if (std::string role = after(":assumed-role/"); !role.empty()) return "IAMR:" + role;
    if (auto at = arn.find(":role/"); at != std::string::npos) {
        std::string path_and_name = arn.substr(at + 6);
        return "IAMR:" + path_and_name.substr(path_and_name.rfind('/') + 1);
    }
    if (auto at = arn.find(":user/"); at != std::string::npos) {
        std::string path_and_name = arn.substr(at + 6);
        return "IAM:" + path_and_name.substr(path_and_name.rfind('/') + 1);
    }
    return {};
}

std::vector<std::string> split_db_roles(const std::string& tag_value) {
    std::vector<std::string> roles;
    std::size_t start = 0;
    while (start <= tag_value.size()) {
        std::size_t end = tag_value.find(':', start);
        if (end == std::string::npos) end = tag_value.size();
        if (end > start) roles.push_back(tag_value.substr(start, end - start));
        start = end + 1;
    }
    return roles;
}

pg::connection* identity_provisioner::admin(const std::string& database, std::string& error) {
    auto& slot = admin_by_database_[database];
    if (slot && !slot->healthy()) slot.reset();
    if (!slot) slot = pg::connection::open(cluster_.conninfo(database), error);
    return slot.get();
}

std::string identity_provisioner::ensure_default_setup(const std::string& database, const std::string& role) {
    std::lock_guard lock(mutex_);
    std::string error;
    pg::connection* root = admin("postgres", error);
    if (!root) return error;
    pg::command_status status;
    auto exists = root->exec_params("SELECT 1 FROM pg_database WHERE datname = $1", {database}, status);
    if (!status) return status.message;
    if (PQntuples(exists.get()) == 0) {
        if (auto e = root->run("CREATE DATABASE " + pg::quote_identifier(database)); !e.empty()) return e;
    }
    auto role_exists = root->exec_params("SELECT 1 FROM pg_roles WHERE rolname = $1", {role}, status);
    if (!status) return status.message;
    if (PQntuples(role_exists.get()) > 0) return {};
    if (auto e = root->run("CREATE ROLE " + pg::quote_identifier(role) + " NOLOGIN"); !e.empty()) return e;
    pg::connection* db = admin(database, error);
    if (!db) return error;
    const std::string d = pg::quote_identifier(database), r = pg::quote_identifier(role);
    return db->run("REVOKE TEMP ON DATABASE " + d + " FROM PUBLIC;"
                   "GRANT TEMP, CREATE ON DATABASE " + d + " TO " + r + ";"
                   "GRANT USAGE, CREATE ON SCHEMA public TO " + r + ";");
}

std::string identity_provisioner::create_role_locked(pg::connection& root, const std::string& name, bool login) {
    pg::command_status status;
    auto found = root.exec_params("SELECT 1 FROM pg_roles WHERE rolname = $1", {name}, status);
    if (!status) return status.message;
    if (PQntuples(found.get()) > 0) return {};
    // Two localaws processes on one external server could race here; duplicate_object is fine.
    root.exec("CREATE ROLE " + pg::quote_identifier(name) + (login ? " LOGIN" : " NOLOGIN"), status);
    return status || status.sqlstate == "42710" ? std::string{} : status.message;
}

std::string identity_provisioner::reconcile_memberships_locked(const db_identity& identity) {
    std::string error;
    pg::connection* root = admin("postgres", error);
    if (!root) return error;
    if (auto e = create_role_locked(*root, tag_grantor_role, false); !e.empty()) return e;
    if (auto e = create_role_locked(*root, identity.db_user, true); !e.empty()) return e;
    const std::string user = pg::quote_identifier(identity.db_user);
    pg::command_status status;
    // Every membership of the user, and whether the tag granted it.
    auto current = root->exec_params(
        "SELECT r.rolname, m.grantor = (SELECT oid FROM pg_roles WHERE rolname = $2) FROM pg_auth_members m "
        "JOIN pg_roles r ON r.oid = m.roleid WHERE m.member = (SELECT oid FROM pg_roles WHERE rolname = $1)",
        {identity.db_user, tag_grantor_role}, status);
    if (!status) return status.message;
    std::map<std::string, bool> member_of;  // role -> granted by the tag
    for (int i = 0; i < PQntuples(current.get()); ++i)
        member_of[PQgetvalue(current.get(), i, 0)] = std::string_view(PQgetvalue(current.get(), i, 1)) == "t";
    const std::set<std::string> wanted(identity.db_roles.begin(), identity.db_roles.end());
    for (const auto& role : wanted) {
        const bool bookkeeping = role == tag_grantor_role || role == pg::endpoint_login_role;
        if (member_of.count(role) || role == identity.db_user || bookkeeping) continue;
        // Redshift ignores roles that do not exist; a superuser role would hand out the cluster.
        auto grantable = root->exec_params("SELECT 1 FROM pg_roles WHERE rolname = $1 AND NOT rolsuper", {role}, status);
        if (!status) return status.message;
        if (PQntuples(grantable.get()) == 0) continue;
        if (auto e = root->run("GRANT " + pg::quote_identifier(role) + " TO " + user + " GRANTED BY " +
                               pg::quote_identifier(tag_grantor_role));
            !e.empty())
            return e;
    }
    for (const auto& [role, from_tag] : member_of) {
        if (!from_tag || wanted.count(role)) continue;
        if (auto e = root->run("REVOKE " + pg::quote_identifier(role) + " FROM " + user); !e.empty()) return e;
    }
    return {};
}

std::string identity_provisioner::ensure_user(const db_identity& identity, const std::string& database) {
    std::vector<std::string> roles = identity.db_roles;
    std::sort(roles.begin(), roles.end());
    roles.erase(std::unique(roles.begin(), roles.end()), roles.end());
    std::string key = database + "\n" + identity.db_user + "\n";
    for (const auto& r : roles) key += r + ":";
    std::lock_guard lock(mutex_);
    if (auto applied = memberships_.find(identity.db_user); applied == memberships_.end() || applied->second != roles) {
        if (auto e = reconcile_memberships_locked(identity); !e.empty()) return e;
        memberships_[identity.db_user] = roles;
    }
    if (provisioned_.count(key)) return {};
    std::string error;
    pg::connection* db = admin(database, error);
    if (!db) return error;
    for (const auto& role : roles) {
        pg::command_status status;
        auto role_found = db->exec_params("SELECT 1 FROM pg_roles WHERE rolname = $1", {role}, status);
        if (!status) return status.message;
        if (PQntuples(role_found.get()) == 0) continue;
        if (auto e = db->run("ALTER DEFAULT PRIVILEGES FOR ROLE " + pg::quote_identifier(identity.db_user) +
                             " GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES ON TABLES TO " +
                             pg::quote_identifier(role));
            !e.empty())
            return e;
    }
    provisioned_.insert(key);
    return {};
}

void identity_provisioner::forget(const std::string& db_user) {
    std::lock_guard lock(mutex_);
    memberships_.erase(db_user);
    for (auto it = provisioned_.begin(); it != provisioned_.end();) {
        bool same_user = it->find("\n" + db_user + "\n") != std::string::npos;
        it = same_user ? provisioned_.erase(it) : ++it;
    }
}

namespace {

// A timestamptz literal PostgreSQL reads the same whatever its TimeZone setting.
std::string utc_literal(std::chrono::system_clock::time_point t) {
    std::time_t seconds = std::chrono::system_clock::to_time_t(t);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char when[32];
    std::strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S+00", &utc);
    return pg::quote_literal(when);
}

}  // namespace

std::string identity_provisioner::set_password(const db_identity& identity, const std::string& database,
                                               const std::string& password,
                                               std::chrono::system_clock::time_point valid_until) {
    if (auto e = ensure_user(identity, database); !e.empty()) return e;
    std::lock_guard lock(mutex_);
    std::string error;
    pg::connection* root = admin("postgres", error);
    if (!root) return error;
    if (auto e = create_role_locked(*root, pg::endpoint_login_role, false); !e.empty()) return e;
    // Hashed here, so the statement PostgreSQL sees (and might log) carries no usable secret.
    char* hashed = PQencryptPasswordConn(root->native(), password.c_str(), identity.db_user.c_str(), "scram-sha-256");
    if (!hashed) return "cannot hash the password";
    std::string verifier = hashed;
    PQfreemem(hashed);
    const std::string user = pg::quote_identifier(identity.db_user);
    return root->run("ALTER ROLE " + user + " LOGIN PASSWORD " + pg::quote_literal(verifier) + " VALID UNTIL " +
                     utc_literal(valid_until) + "; GRANT " + pg::quote_identifier(pg::endpoint_login_role) + " TO " +
                     user);
}

std::string identity_provisioner::set_valid_until(const std::string& db_user,
                                                  std::chrono::system_clock::time_point valid_until) {
    std::lock_guard lock(mutex_);
    std::string error;
    pg::connection* root = admin("postgres", error);
    if (!root) return error;
    pg::command_status status;
    root->exec("ALTER ROLE " + pg::quote_identifier(db_user) + " VALID UNTIL " + utc_literal(valid_until), status);
    // A role an admin dropped since has no password left to move.
    return status || status.sqlstate == "42704" ? std::string{} : status.message;
}

}  // namespace localaws::redshift
