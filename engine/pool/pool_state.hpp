#pragma once
// The state machine of one endpoint's connection pool, sans-IO: which connection a request should
// use, when a new one must be opened, and which idle ones have outlived the idle timeout. It never
// touches a socket; the async pool (http/connection_pool) performs what it decides.
//
// Invariant: open + opening <= max_connections at all times. Callers are admitted by the
// per-endpoint concurrency limit first (capacity = max_connections), so `checkout` never has to make
// anyone wait; if it is called with every slot busy, it says so (`no_slot`) rather than overcommit.
//
// Idle connections are reused most-recently-used first: the warmest socket is the least likely to
// have been closed by the server, and the coldest ones age out and get trimmed.
// Thread safety: none; one executor.

#include <chrono>
#include <cstdint>
#include <deque>
#include <vector>

namespace shiftsync::engine {

using connection_id = std::uint64_t;

struct pool_limits {
    std::size_t max_connections = 64;
    std::chrono::steady_clock::duration idle_timeout = std::chrono::seconds(30);
};

class pool_state {
public:
    using clock = std::chrono::steady_clock;

    enum class action : std::uint8_t { reuse, open_new, no_slot };
    struct checkout_result {
        action what;
        connection_id id;           // the idle connection to reuse, or the id reserved for the new one
        connection_id evicted = 0;  // checkout_fresh only: an idle connection the caller must close
    };

    explicit pool_state(pool_limits limits) : limits_(limits) {}

    // Picks the most recently used idle connection, or reserves a slot for a new one. Call `trim`
    // first so an expired idle connection is closed rather than reused.
    checkout_result checkout();

    // Reserves a slot for a new connection even if idle ones exist (the retry after a keep-alive
    // race: another idle connection may be just as stale). At the maximum, the least recently used
    // idle connection is evicted to make room.
    checkout_result checkout_fresh();

    // A new connection is established (after open_new) / could not be established.
    void on_opened(connection_id id);
    void on_open_failed(connection_id id);

    // A request is done with the connection: back to idle if reusable, otherwise closed.
    void on_released(connection_id id, bool reusable, clock::time_point now);

    // Idle connections past the idle timeout: removed from the pool; the caller closes them.
    std::vector<connection_id> trim(clock::time_point now);

    // Closes everything idle (client shutdown). Returns the ids to close.
    std::vector<connection_id> drain_idle();

    std::size_t idle() const { return idle_.size(); }
    std::size_t busy() const { return busy_; }
    std::size_t opening() const { return opening_; }
    std::size_t open_or_opening() const { return idle_.size() + busy_ + opening_; }
    std::size_t peak_open() const { return peak_; }
    std::uint64_t opened_total() const { return opened_total_; }
    std::uint64_t reused_total() const { return reused_total_; }

private:
    struct idle_connection {
        connection_id id;
        clock::time_point since;
    };
    void note_peak();

    pool_limits limits_;
    std::deque<idle_connection> idle_;  // back = most recently released
    std::size_t busy_ = 0;
    std::size_t opening_ = 0;
    std::size_t peak_ = 0;
    connection_id next_id_ = 1;
    std::uint64_t opened_total_ = 0;
    std::uint64_t reused_total_ = 0;
};

}  // namespace shiftsync::engine
