#pragma once
// The PostgreSQL behind every workgroup, as both the Data API and the workgroup endpoint see it:
// the private cluster in <data-dir>/postgres, its TLS listener on a loopback port, and the
// database users GetCredentials' passwords are for.
//
//   workgroup_database db(app, data_dir, pg_port);   // pg_port 0: a free one
//   db.prepare();          // at localaws's start: port reserved, certificates, OS user checked
//   db.address();          // {"127.0.0.1", port, <data-dir>/postgres/tls/ca.crt}: the endpoint, served by
//                          // pg_frontend/; PostgreSQL's own TLS listener is on a second, internal
//                          // loopback port (backend_conninfo) where the front end logs users in
//   db.ensure_started();   // on first use: initdb or reuse, start, the default setup
//
// Passwords and the clock: GetCredentials gives an expiration on localaws's clock (the wall clock
// plus the admin offset). PostgreSQL checks VALID UNTIL against its own, the wall clock. So VALID
// UNTIL is set to the expiration's wall-clock equivalent, expiration − offset, and set again for
// every issued password whenever the offset moves (clock_moved): moving the clock past an
// expiration makes PostgreSQL refuse that password at once, moving it back accepts it again.
// PostgreSQL keeps one password per role: a user's newest GetCredentials replaces its previous
// password (Redshift keeps each valid until it expires).
//
// Thread safety: prepare() before serving, once; everything else from any thread.

#include "tools/localaws/redshift/identity.hpp"
#include "tools/localaws/redshift/pg/cluster.hpp"
#include "tools/localaws/redshift/pg/port_reservation.hpp"
#include "tools/localaws/serverless/database.hpp"

#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>

namespace localaws {
class app;

class workgroup_database final : public serverless::database {
public:
    workgroup_database(app& a, const std::filesystem::path& data_dir, int pg_port);

    // Everything that can fail before localaws says "ready". Empty on success, else why.
    std::string prepare();
    // Starts PostgreSQL and applies the default setup (database dev, role rss_admin, Redshift's
    // functions) unless done. Blocking; a failure is reported to this call and retried by the next.
    std::string ensure_started();

    redshift::pg::cluster& cluster() { return cluster_; }
    redshift::identity_provisioner& identities() { return identities_; }

    serverless::endpoint address() const override;
    // The conninfo (no password) of PostgreSQL's own listener, where the front end logs users in.
    std::string backend_conninfo(const std::string& database, const std::string& user) const;
    std::string issue(const serverless::db_credentials& c) override;
    std::string clock_moved() override;

private:
    app& app_;
    std::filesystem::path data_dir_;
    redshift::pg::port_reservation port_;          // the endpoint: pg_frontend listens there
    redshift::pg::port_reservation backend_port_;  // PostgreSQL's own TLS listener, for the front end only
    redshift::pg::cluster cluster_;
    redshift::identity_provisioner identities_;
    std::mutex start_mutex_;
    bool started_ = false;
    std::mutex credentials_mutex_;
    // db_user -> the expiration (localaws's clock) of its current password
    std::map<std::string, std::chrono::system_clock::time_point> expirations_;
};

}  // namespace localaws
