#include "tools/localaws/iam/directory.hpp"

#include <boost/json.hpp>
#include <openssl/rand.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>

namespace localaws::iam {
namespace json = boost::json;
namespace {

std::string random_from(std::string_view alphabet, std::size_t n) {
    std::string out(n, '\0');
    std::vector<unsigned char> bytes(n);
    RAND_bytes(bytes.data(), static_cast<int>(n));
    for (std::size_t i = 0; i < n; ++i) out[i] = alphabet[bytes[i] % alphabet.size()];
    return out;
}

std::string string_or(const json::object& o, std::string_view key, std::string fallback = {}) {
    const auto* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->as_string()) : fallback;
}

// Stable 16-character ids derived from a name so that ids survive restarts (AIDA.../AROA...).
std::string stable_id(std::string_view prefix, std::string_view name) {
    static constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    std::uint64_t h = 1469598103934665603ull;
    for (char c : name) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
    std::string out(prefix);
    for (int i = 0; i < 17; ++i, h = h * 6364136223846793005ull + 1442695040888963407ull)
        out += alphabet[(h >> 59) & 31];
    return out;
}

bool load_policies(const json::object& o, std::string_view key, std::vector<policy>& out, std::string& error) {
    const auto* list = o.if_contains(key);
    if (!list) return true;
    if (!list->is_array()) {
        error = std::string(key) + " must be an array";
        return false;
    }
    for (const auto& item : list->as_array()) {
        if (!item.is_object() || !item.as_object().contains("document")) {
            error = std::string(key) + " entries need a name and a document";
            return false;
        }
        auto p = parse_policy(item.as_object().at("document"), string_or(item.as_object(), "name"), error);
        if (!p) return false;
        out.push_back(std::move(*p));
    }
    return true;
}

std::map<std::string, std::string> load_tags(const json::object& o) {
    std::map<std::string, std::string> tags;
    if (const auto* t = o.if_contains("tags"); t && t->is_object())
        for (const auto& [k, v] : t->as_object())
            if (v.is_string()) tags.emplace(std::string(k), std::string(v.as_string()));
    return tags;
}

}  // namespace

std::string random_key_id(std::string_view prefix) {
    return std::string(prefix) + random_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 16);
}
std::string random_secret(std::size_t length) {
    return random_from("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", length);
}
std::string random_hex(std::size_t bytes) { return random_from("0123456789abcdef", bytes * 2); }

std::unique_ptr<directory> directory::load(const json::value& config, std::string& error) {
    auto dir = std::make_unique<directory>();
    const auto* accounts = config.is_object() ? config.as_object().if_contains("accounts") : nullptr;
    if (!accounts || !accounts->is_array()) {
        error = "config: \"accounts\" must be an array";
        return nullptr;
    }
    for (const auto& acc_value : accounts->as_array()) {
        if (!acc_value.is_object()) {
            error = "config: accounts entries must be objects";
            return nullptr;
        }
        const auto& acc = acc_value.as_object();
        std::string account_id = string_or(acc, "id");
        if (account_id.size() != 12) {
            error = "config: account id must have 12 digits";
            return nullptr;
        }
        if (const auto* users = acc.if_contains("users"); users && users->is_array()) {
            for (const auto& uv : users->as_array()) {
                const auto& uo = uv.as_object();
                auto u = std::make_unique<user>();
                u->name = string_or(uo, "name");
                u->account_id = account_id;
                u->arn = "arn:aws:iam::" + account_id + ":user/" + u->name;
                u->user_id = stable_id("AIDA", u->arn);
                if (const auto* keys = uo.if_contains("access_keys"); keys && keys->is_array())
                    for (const auto& kv : keys->as_array())
                        u->keys.emplace_back(string_or(kv.as_object(), "id"), string_or(kv.as_object(), "secret"));
                if (!load_policies(uo, "policies", u->policies, error)) return nullptr;
                u->tags = load_tags(uo);
                dir->users_.push_back(std::move(u));
            }
        }
        if (const auto* roles = acc.if_contains("roles"); roles && roles->is_array()) {
            for (const auto& rv : roles->as_array()) {
                const auto& ro = rv.as_object();
                auto r = std::make_unique<role>();
                r->name = string_or(ro, "name");
                r->account_id = account_id;
                r->arn = "arn:aws:iam::" + account_id + ":role/" + r->name;
                r->role_id = stable_id("AROA", r->arn);
                const auto* trust = ro.if_contains("trust_policy");
                if (!trust) {
                    error = "config: role " + r->name + " needs a trust_policy";
                    return nullptr;
                }
                auto tp = parse_policy(*trust, "trust", error);
                if (!tp) return nullptr;
                r->trust = std::move(*tp);
                if (!load_policies(ro, "policies", r->policies, error)) return nullptr;
                r->tags = load_tags(ro);
                if (const auto* m = ro.if_contains("max_session_duration"); m && m->is_int64())
                    r->max_session_seconds = static_cast<int>(m->as_int64());
                dir->roles_.push_back(std::move(r));
            }
        }
    }
    return dir;
}

principal directory::principal_for_user(const user& u, std::string_view key_id) const {
    principal p;
    p.kind = principal_kind::user;
    p.account_id = u.account_id;
    p.arn = u.arn;
    p.user_id = u.user_id;
    p.user_name = u.name;
    p.access_key_id = key_id;
    p.tags = u.tags;
    for (const auto& pol : u.policies) p.identity_policies.push_back(&pol);
    return p;
}

principal directory::principal_for_role(const role& r, std::string_view session_name) const {
    principal p;
    p.kind = principal_kind::assumed_role;
    p.account_id = r.account_id;
    p.arn = "arn:aws:sts::" + r.account_id + ":assumed-role/" + r.name + "/" + std::string(session_name);
    p.user_id = r.role_id + ":" + std::string(session_name);
    p.role_name = r.name;
    p.role_arn = r.arn;
    p.session_name = session_name;
    p.tags = r.tags;
    for (const auto& pol : r.policies) p.identity_policies.push_back(&pol);
    return p;
}

std::optional<key_record> directory::find_key(std::string_view access_key_id) const {
    for (const auto& u : users_)
        for (const auto& [id, secret] : u->keys)
            if (id == access_key_id) return key_record{principal_for_user(*u, id), secret, {}};
    std::lock_guard lock(sessions_mutex_);
    if (auto it = sessions_.find(access_key_id); it != sessions_.end())
        return key_record{it->second.who, it->second.secret, it->second.session_token};
    return std::nullopt;
}

const role* directory::find_role(std::string_view role_arn) const {
    for (const auto& r : roles_)
        if (r->arn == role_arn) return r.get();
    return nullptr;
}

issued_session directory::issue_session(const role& r, std::string_view session_name, std::chrono::seconds duration,
                                        time_point now) {
    issued_session s;
    s.who = principal_for_role(r, session_name);
    s.access_key_id = random_key_id("ASIA");
    s.secret = random_secret(40);
    // Real session tokens are long opaque blobs; clients must carry them verbatim.
    s.session_token = "IQoJb3JpZ2luX2VjE" + random_secret(300);
    s.expiration = std::chrono::time_point_cast<std::chrono::seconds>(now + duration);
    s.who.access_key_id = s.access_key_id;
    s.who.expiration = s.expiration;
    std::lock_guard lock(sessions_mutex_);
    // Drop sessions long expired so that a long-running server does not grow without bound.
    std::erase_if(sessions_, [&](const auto& kv) { return kv.second.expiration + std::chrono::hours(24) < now; });
    sessions_.emplace(s.access_key_id, s);
    if (!sessions_file_.empty()) {
        json::object line{{"key", s.access_key_id},
                          {"secret", s.secret},
                          {"token", s.session_token},
                          {"role", r.arn},
                          {"session", std::string(session_name)},
                          {"expiration", std::chrono::system_clock::to_time_t(s.expiration)}};
        std::string text = json::serialize(line) + "\n";
        int fd = ::open(sessions_file_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
        if (fd >= 0) {
            [[maybe_unused]] auto n = ::write(fd, text.data(), text.size());
            ::close(fd);
        }
    }
    return s;
}

void directory::persist_sessions(const std::filesystem::path& path, time_point now) {
    std::lock_guard lock(sessions_mutex_);
    sessions_file_ = path;
    std::ifstream in(path);
    std::string text;
    std::vector<std::string> keep;
    while (std::getline(in, text)) {
        boost::system::error_code ec;
        auto v = json::parse(text, ec);
        if (ec || !v.is_object()) continue;  // a line cut short by a crash
        const auto& o = v.as_object();
        const role* r = find_role(o.at("role").as_string());
        auto expiration = std::chrono::system_clock::from_time_t(o.at("expiration").to_number<std::time_t>());
        if (!r || expiration <= now) continue;
        issued_session s;
        s.who = principal_for_role(*r, o.at("session").as_string());
        s.access_key_id = o.at("key").as_string();
        s.secret = o.at("secret").as_string();
        s.session_token = o.at("token").as_string();
        s.expiration = expiration;
        s.who.access_key_id = s.access_key_id;
        s.who.expiration = expiration;
        sessions_.insert_or_assign(s.access_key_id, std::move(s));
        keep.push_back(text);
    }
    in.close();
    // Rewrite without the expired sessions, so the file stays as small as the live set.
    std::string tmp = path.string() + ".tmp";
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return;
    for (const auto& line : keep) {
        std::string l = line + "\n";
        [[maybe_unused]] auto n = ::write(fd, l.data(), l.size());
    }
    ::fsync(fd);
    ::close(fd);
    std::filesystem::rename(tmp, path);
}

decision directory::authorize(const principal& who, std::string_view action, std::string_view resource,
                              const condition_context& context) const {
    if (who.kind == principal_kind::root) return decision::allow;
    if (who.kind == principal_kind::anonymous) return decision::implicit_deny;
    condition_context ctx = context;
    ctx.emplace("aws:PrincipalArn", who.kind == principal_kind::assumed_role ? who.role_arn : who.arn);
    ctx.emplace("aws:PrincipalAccount", who.account_id);
    ctx.emplace("aws:SecureTransport", "false");
    if (!who.user_name.empty()) ctx.emplace("aws:username", who.user_name);
    for (const auto& [k, v] : who.tags) ctx.emplace("aws:PrincipalTag/" + k, v);
    return evaluate(who.identity_policies, action, resource, ctx);
}

decision directory::trust_allows(const role& r, const principal& who, const condition_context& context) const {
    caller c{who.arn, who.account_id, who.role_arn, false};
    condition_context ctx = context;
    ctx.emplace("aws:PrincipalArn", who.kind == principal_kind::assumed_role ? who.role_arn : who.arn);
    ctx.emplace("aws:PrincipalAccount", who.account_id);
    return evaluate_trust(r.trust, c, "sts:AssumeRole", ctx);
}

bool directory::service_may_assume(const role& r, std::string_view service_principal) const {
    caller c{std::string(service_principal), {}, {}, true};
    return evaluate_trust(r.trust, c, "sts:AssumeRole", {}) == decision::allow;
}

}  // namespace localaws::iam
