#pragma once
// IAM as localaws knows it: accounts, users with access keys, roles with trust and identity policies
// and tags, and the temporary sessions STS hands out. Loaded once from the JSON config (see
// config/default.json for the shape); only the session table changes afterwards.
//
// Thread safety: everything is immutable after load() except the session table, which has its own
// mutex — call any member from any thread.

#include "tools/localaws/iam/policy.hpp"
#include "tools/localaws/iam/principal.hpp"

#include <boost/json/fwd.hpp>

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace localaws::iam {

using time_point = std::chrono::system_clock::time_point;

struct user {
    std::string name, account_id, arn, user_id;
    std::vector<std::pair<std::string, std::string>> keys;  // access key id, secret
    std::vector<policy> policies;
    std::map<std::string, std::string> tags;
};

struct role {
    std::string name, account_id, arn, role_id;
    policy trust;
    std::vector<policy> policies;
    std::map<std::string, std::string> tags;
    int max_session_seconds = 3600;
};

// What the verifier needs to check a signature: the secret, and for temporary keys the token.
struct key_record {
    principal who;
    std::string secret;
    std::string session_token;  // empty for long-term keys
};

struct issued_session {
    principal who;
    std::string access_key_id, secret, session_token;
    time_point expiration;
};

class directory {
public:
    // `config` is the whole localaws config; reads "accounts". On error returns null and says why.
    static std::unique_ptr<directory> load(const boost::json::value& config, std::string& error);

    std::optional<key_record> find_key(std::string_view access_key_id) const;
    const role* find_role(std::string_view role_arn) const;

    // The principal a role's session has, without issuing keys (Redshift acting with IAM_ROLE).
    principal principal_for_role(const role& r, std::string_view session_name) const;
    issued_session issue_session(const role& r, std::string_view session_name, std::chrono::seconds duration,
                                 time_point now);

    // Identity-policy check for a principal. Account roots may do anything in their account.
    decision authorize(const principal& who, std::string_view action, std::string_view resource,
                       const condition_context& context) const;

    // Trust-policy check: may `who` assume `r`? (Cross-account also needs who's own policy to allow
    // sts:AssumeRole on the role, as in AWS; the caller checks that with authorize().)
    decision trust_allows(const role& r, const principal& who, const condition_context& context) const;
    bool service_may_assume(const role& r, std::string_view service_principal) const;

    // Keeps issued sessions in `path` (JSON lines, mode 0600) and reloads the unexpired ones, so a
    // restarted localaws still honours credentials it handed out — as AWS does across its restarts.
    void persist_sessions(const std::filesystem::path& path, time_point now);

    const std::vector<std::unique_ptr<user>>& users() const { return users_; }
    const std::vector<std::unique_ptr<role>>& roles() const { return roles_; }

private:
    principal principal_for_user(const user& u, std::string_view key_id) const;

    std::vector<std::unique_ptr<user>> users_;
    std::vector<std::unique_ptr<role>> roles_;
    mutable std::mutex sessions_mutex_;
    std::map<std::string, issued_session, std::less<>> sessions_;  // by access key id
    std::filesystem::path sessions_file_;
};

// Random identifiers in AWS's formats.
std::string random_key_id(std::string_view prefix);  // "ASIA" + 16 upper-case alphanumerics
std::string random_secret(std::size_t length);       // base64-ish alphabet
std::string random_hex(std::size_t bytes);

}  // namespace localaws::iam
