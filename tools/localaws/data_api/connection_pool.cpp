#include "tools/localaws/data_api/connection_pool.hpp"

#include <poll.h>

namespace localaws::data_api {
namespace pg = redshift::pg;

std::unique_ptr<pg::connection> connection_pool::acquire(const redshift::db_identity& who, const std::string& database,
                                                         std::string& error) {
    // Every time, not only for new connections: the caller's RedshiftDbRoles may have changed since
    // the idle connections were opened (cached, so an unchanged identity costs a map lookup).
    if (error = identities_.ensure_user(who, database); !error.empty()) return nullptr;
    for (;;) {
        std::unique_ptr<pg::connection> conn;
        {
            std::lock_guard lock(mutex_);
            auto& idle = idle_[{database, who.db_user}];
            if (idle.empty()) break;
            conn = std::move(idle.back());
            idle.pop_back();
        }
        // An idle connection has nothing to say. Anything readable is a backend that ended while
        // idle (pg_terminate_backend, a restart) and left its goodbye, or chatter not worth keeping
        // a connection for: either way, open a fresh one rather than lose a statement on it.
        pollfd readable{PQsocket(conn->native()), POLLIN, 0};
        if (::poll(&readable, 1, 0) == 0 && conn->healthy()) return conn;
    }
    auto conn = pg::connection::open(cluster_.conninfo(database, who.db_user), error);
    if (!conn && error.find("role \"" + who.db_user + "\" does not exist") != std::string::npos) {
        // The role was dropped behind the provisioner's back: provision it again, once.
        identities_.forget(who.db_user);
        if (error = identities_.ensure_user(who, database); !error.empty()) return nullptr;
        conn = pg::connection::open(cluster_.conninfo(database, who.db_user), error);
    }
    return conn;
}

void connection_pool::release(const std::string& database, const std::string& db_user,
                              std::unique_ptr<pg::connection> conn) {
    if (!conn || !conn->healthy() || PQtransactionStatus(conn->native()) != PQTRANS_IDLE) return;
    if (!conn->run("DISCARD ALL").empty()) return;
    std::lock_guard lock(mutex_);
    auto& idle = idle_[{database, db_user}];
    if (idle.size() < max_idle_per_key_) idle.push_back(std::move(conn));
}

void connection_pool::clear() {
    std::lock_guard lock(mutex_);
    idle_.clear();
}

}  // namespace localaws::data_api
