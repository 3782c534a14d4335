#include "tools/localaws/data_api/connection_pool.hpp"

namespace localaws::data_api {
namespace pg = redshift::pg;

std::unique_ptr<pg::connection> connection_pool::acquire(const redshift::db_identity& who, const std::string& database,
                                                         std::string& error) {
    {
        std::lock_guard lock(mutex_);
        auto& idle = idle_[{database, who.db_user}];
        if (!idle.empty()) {
            auto conn = std::move(idle.back());
            idle.pop_back();
            return conn;
        }
    }
    if (error = identities_.ensure_user(who, database); !error.empty()) return nullptr;
    return pg::connection::open(cluster_.conninfo(database, who.db_user), error);
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
