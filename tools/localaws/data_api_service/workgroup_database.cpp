#include "tools/localaws/data_api_service/workgroup_database.hpp"

#include "tools/localaws/redshift/sql_functions.hpp"
#include "tools/localaws/server/app.hpp"

#include <unistd.h>

#include <cstdio>

namespace localaws {
namespace rs = redshift;

workgroup_database::workgroup_database(app& a, const std::filesystem::path& data_dir, int pg_port)
    : app_(a),
      data_dir_(data_dir),
      port_(pg_port),
      backend_port_(0),
      cluster_({.dir = data_dir / "postgres", .tcp_port = backend_port_.port(), .tls = true}),
      identities_(cluster_) {}

std::string workgroup_database::prepare() {
    if (!port_.error().empty()) return port_.error();
    if (!backend_port_.error().empty()) return "PostgreSQL's own port: " + backend_port_.error();
    // PostgreSQL runs as its own OS user when localaws runs as root. A mkdtemp data dir is 0700:
    // execute-only for others lets it through without making anything listable (and spares it the
    // capability os_user.hpp would otherwise give it).
    if (::geteuid() == 0) {
        std::error_code ec;
        std::filesystem::permissions(data_dir_,
                                     std::filesystem::perms::others_exec | std::filesystem::perms::group_exec,
                                     std::filesystem::perm_options::add, ec);
    }
    if (auto e = cluster_.prepare(); !e.empty()) return "PostgreSQL for the Data API: " + e;
    if (cluster_.needs_capability())
        std::fprintf(stderr,
                     "localaws: PostgreSQL runs as OS user postgres with CAP_DAC_READ_SEARCH: a directory above %s "
                     "is closed to that user\n",
                     data_dir_.c_str());
    return {};
}

std::string workgroup_database::ensure_started() {
    std::lock_guard lock(start_mutex_);
    if (started_) return {};
    if (auto e = cluster_.start(); !e.empty()) return "PostgreSQL for the Data API: " + e;
    if (auto e = identities_.ensure_default_setup("dev", "rss_admin"); !e.empty())
        return "Data API default setup: " + e;
    if (auto e = rs::install_sql_functions(cluster_); !e.empty()) return "Data API default setup: " + e;
    started_ = true;
    return {};
}

serverless::endpoint workgroup_database::address() const {
    return {"127.0.0.1", port_.port(), cluster_.ca_file()};
}

std::string workgroup_database::backend_conninfo(const std::string& database, const std::string& user) const {
    using rs::pg::conninfo_quote;
    return "host=127.0.0.1 port=" + std::to_string(cluster_.tcp_port()) + " dbname=" + conninfo_quote(database) +
           " user=" + conninfo_quote(user) + " sslmode=verify-ca sslrootcert=" + conninfo_quote(cluster_.ca_file().string()) +
           " connect_timeout=30";
}

std::string workgroup_database::issue(const serverless::db_credentials& c) {
    if (auto e = ensure_started(); !e.empty()) return e;
    std::lock_guard lock(credentials_mutex_);
    rs::db_identity who{c.db_user, rs::split_db_roles(c.db_roles)};
    // The expiration's wall-clock equivalent: PostgreSQL's clock has no offset.
    const auto valid_until = c.expiration - app_.clock_offset();
    if (auto e = identities_.set_password(who, c.database, c.db_password, valid_until); !e.empty()) return e;
    expirations_[c.db_user] = c.expiration;
    return {};
}

std::string workgroup_database::clock_moved() {
    std::lock_guard lock(credentials_mutex_);
    // Read under the lock: an issue() that read the previous offset has finished, and is corrected here.
    const auto offset = app_.clock_offset();
    for (const auto& [user, expiration] : expirations_)
        if (auto e = identities_.set_valid_until(user, expiration - offset); !e.empty())
            return "cannot move the expiry of " + user + "'s password: " + e;
    return {};
}

}  // namespace localaws
