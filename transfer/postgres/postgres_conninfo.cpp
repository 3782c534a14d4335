#include "transfer/postgres/postgres_conninfo.hpp"

#include <libpq-fe.h>

#include <cstring>
#include <memory>

namespace shiftsync::transfer::postgres {

namespace {

// The password as written in a URI's authority ("user:pass@host"), before percent-decoding.
std::string raw_uri_password(std::string_view uri) {
    auto scheme = uri.find("://");
    if (scheme == std::string_view::npos) return {};
    std::string_view rest = uri.substr(scheme + 3);
    rest = rest.substr(0, rest.find_first_of("/?"));
    auto at = rest.rfind('@');
    if (at == std::string_view::npos) return {};
    std::string_view userinfo = rest.substr(0, at);
    auto colon = userinfo.find(':');
    if (colon == std::string_view::npos) return {};
    return std::string(userinfo.substr(colon + 1));
}

}  // namespace

bool is_postgres_uri(std::string_view text) {
    return text.rfind("postgresql://", 0) == 0 || text.rfind("postgres://", 0) == 0;
}

std::string conninfo_summary::label() const {
    std::string out = user.empty() ? std::string() : user + "@";
    out += host.empty() ? std::string("localhost") : host;
    if (!port.empty()) out += ":" + port;
    if (!dbname.empty()) out += "/" + dbname;
    return mask_secrets(out, secrets);
}

std::optional<conninfo_summary> parse_conninfo(const std::string& conninfo, std::string& why) {
    char* error = nullptr;
    std::unique_ptr<PQconninfoOption, void (*)(PQconninfoOption*)> options(PQconninfoParse(conninfo.c_str(), &error),
                                                                           PQconninfoFree);
    if (!options) {
        // libpq's message may quote the part it choked on, which may be the password.
        if (error) PQfreemem(error);
        why = "not a PostgreSQL connection string libpq understands (postgresql://user:password@host:port/database, "
              "or host=… port=… dbname=… user=…)";
        return std::nullopt;
    }
    conninfo_summary out;
    for (PQconninfoOption* o = options.get(); o->keyword; ++o) {
        if (!o->val) continue;
        std::string_view key = o->keyword;
        if (key == "host" || (key == "hostaddr" && out.host.empty())) out.host = o->val;
        else if (key == "port") out.port = o->val;
        else if (key == "dbname") out.dbname = o->val;
        else if (key == "user") out.user = o->val;
        else if (key == "password" && *o->val) out.secrets.emplace_back(o->val);
    }
    if (is_postgres_uri(conninfo)) {
        std::string raw = raw_uri_password(conninfo);
        if (!raw.empty() && (out.secrets.empty() || raw != out.secrets.front())) out.secrets.push_back(raw);
    }
    return out;
}

std::string mask_secrets(std::string text, const std::vector<std::string>& secrets) {
    for (const auto& secret : secrets) {
        if (secret.empty()) continue;
        for (auto at = text.find(secret); at != std::string::npos; at = text.find(secret, at + 3))
            text.replace(at, secret.size(), "***");
    }
    return text;
}

}  // namespace shiftsync::transfer::postgres
