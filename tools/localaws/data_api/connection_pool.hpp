#pragma once
// PostgreSQL connections for Data API statements, kept per (database, database user) and reused.
// A connection returns to the pool only when it is healthy and outside a transaction, and after
// DISCARD ALL: a statement outside a session must not see temp tables or settings left behind by
// an earlier one (that is what sessions are for). Thread-safe.

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "tools/localaws/redshift/identity.hpp"
#include "tools/localaws/redshift/pg/cluster.hpp"
#include "tools/localaws/redshift/pg/connection.hpp"

namespace localaws::data_api {

class connection_pool {
public:
    // Keeps as many idle connections per (database, user) as the engine has workers: with fewer,
    // a pipelining client makes most statements open a new PostgreSQL connection (a backend fork
    // and a login, several milliseconds of CPU) and wait in PICKED meanwhile.
    connection_pool(const redshift::pg::cluster& cluster, redshift::identity_provisioner& identities,
                    std::size_t max_idle_per_key = 64)
        : cluster_(cluster), identities_(identities), max_idle_per_key_(max_idle_per_key) {}

    // An idle connection, or a new one, after provisioning the database user and reconciling its
    // role memberships with `who.db_roles`. nullptr + error on failure.
    std::unique_ptr<redshift::pg::connection> acquire(const redshift::db_identity& who, const std::string& database,
                                                      std::string& error);
    void release(const std::string& database, const std::string& db_user,
                 std::unique_ptr<redshift::pg::connection> conn);
    void clear();

private:
    const redshift::pg::cluster& cluster_;
    redshift::identity_provisioner& identities_;
    std::size_t max_idle_per_key_;
    std::mutex mutex_;
    std::map<std::pair<std::string, std::string>, std::vector<std::unique_ptr<redshift::pg::connection>>> idle_;
};

}  // namespace localaws::data_api
