#pragma once
// One endpoint's connections: the pool_state decisions carried out on real connections, plus
// the per-endpoint concurrency limit that admits requests (by priority) before they reach the
// pool, which is what keeps open connections <= max_connections without the pool ever queueing.

#include "engine/http/detail/connection.hpp"
#include "engine/pool/pool_state.hpp"
#include "engine/scheduler/async_limiter.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>

#include <memory>
#include <optional>
#include <unordered_map>

namespace shiftsync::engine::http::detail {

class endpoint_pool;

// A connection checked out for one request. Destroyed without `release`, it is closed and its slot
// freed: a cancelled or failed request never returns a connection to the pool by accident.
class lease {
public:
    lease() = default;
    lease(endpoint_pool* pool, std::unique_ptr<connection> conn) : pool_(pool), conn_(std::move(conn)) {}
    lease(lease&& other) noexcept = default;
    lease& operator=(lease&& other) noexcept;
    ~lease();

    connection& conn() { return *conn_; }
    // Back to the pool if `reusable`, else closed.
    void release(bool reusable);

private:
    endpoint_pool* pool_ = nullptr;
    std::unique_ptr<connection> conn_;
};

struct pool_stats {
    std::size_t open = 0;  // idle + busy + opening
    std::size_t idle = 0;
    std::size_t peak_open = 0;
    std::uint64_t opened_total = 0;
    std::uint64_t reused_total = 0;
};

class endpoint_pool {
public:
    endpoint_pool(boost::asio::any_io_executor executor, endpoint where, pool_limits limits,
                  boost::asio::ssl::context* tls);

    // The per-endpoint limit: hold the permit for the whole request (all its connection use).
    async_limiter& admission() { return admission_; }

    // An idle connection, without suspending (the common case on a warm pool), or nothing.
    std::optional<lease> try_reuse();

    // Reuses an idle connection or opens one (`fresh`: always a new one).
    boost::asio::awaitable<boost::system::result<lease>> async_checkout(bool fresh, const deadlines& limits,
                                                                        const deadline_budget& budget);

    void close_idle();
    pool_stats stats() const;
    const endpoint& where() const { return where_; }

private:
    friend class lease;
    void give_back(std::unique_ptr<connection> conn, bool reusable);
    void close_expired();

    endpoint where_;
    boost::asio::ssl::context* tls_;
    pool_state state_;
    async_limiter admission_;
    std::unordered_map<connection_id, std::unique_ptr<connection>> idle_;
};

}  // namespace shiftsync::engine::http::detail
