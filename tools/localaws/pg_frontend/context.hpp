#pragma once
// What every session of the front end shares: options, the TLS context, the blocking pool, and the
// cancel keys of the live sessions. Internal to pg_frontend/.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/thread_pool.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <random>

#include "tools/localaws/pg_frontend/frontend.hpp"

namespace localaws::pg_frontend {

class session;

struct shared_context {
    explicit shared_context(frontend_options o)
        : options(std::move(o)), tls(boost::asio::ssl::context::tls_server), pool(options.blocking_threads ? options.blocking_threads : 1) {}

    frontend_options options;
    boost::asio::ssl::context tls;
    boost::asio::thread_pool pool;

    // BackendKeyData: (pid, key) -> the session, for CancelRequests on new connections.
    std::mutex mutex;
    std::map<std::pair<std::int32_t, std::int32_t>, std::weak_ptr<session>> sessions;
    std::mt19937 random{std::random_device{}()};
    std::int32_t next_pid = 1'000'000;

    std::pair<std::int32_t, std::int32_t> register_session(const std::shared_ptr<session>& s) {
        std::lock_guard lock(mutex);
        std::pair<std::int32_t, std::int32_t> key{next_pid++, static_cast<std::int32_t>(random())};
        sessions[key] = s;
        return key;
    }
    void unregister_session(std::pair<std::int32_t, std::int32_t> key) {
        std::lock_guard lock(mutex);
        sessions.erase(key);
    }
    std::shared_ptr<session> find_session(std::pair<std::int32_t, std::int32_t> key) {
        std::lock_guard lock(mutex);
        auto it = sessions.find(key);
        return it == sessions.end() ? nullptr : it->second.lock();
    }
};

}  // namespace localaws::pg_frontend
