#pragma once
// The bookkeeping behind every bounded resource of the scheduler (a concurrency limit counts
// requests, the memory budget counts bytes): `capacity` units, handed out to requesters in priority
// order, FIFO within a priority. A requester that does not fit waits; nothing jumps the queue, so a
// large request at the head is not starved by a stream of small ones (head-of-line blocking is the
// price, and the intended back-pressure).
//
// Sans-IO: it says who is admitted; the async wrapper (async_limiter) wakes them.
// Thread safety: none; one executor.

#include "engine/scheduler/priority.hpp"

#include <array>
#include <cstdint>
#include <deque>
#include <vector>

namespace shiftsync::engine {

class admission_queue {
public:
    using waiter_id = std::uint64_t;

    explicit admission_queue(std::uint64_t capacity) : capacity_(capacity) {}

    // Takes `units` now if they fit and nobody of equal or higher priority is waiting (returns true),
    // otherwise queues `id` (returns false). Requests above capacity are clamped to capacity so they
    // can be served at all (alone).
    bool request(waiter_id id, std::uint64_t units, priority p);

    // Gives units back. Returns the waiters admitted as a result, in order; their units are taken.
    std::vector<waiter_id> release(std::uint64_t units);

    // A queued waiter gave up (cancelled). Returns who got admitted because it left the head.
    std::vector<waiter_id> cancel(waiter_id id);

    std::uint64_t capacity() const { return capacity_; }
    std::uint64_t in_use() const { return in_use_; }
    std::uint64_t peak_in_use() const { return peak_in_use_; }
    std::size_t waiting() const;

private:
    struct waiter {
        waiter_id id;
        std::uint64_t units;
    };
    std::uint64_t clamp(std::uint64_t units) const { return units > capacity_ ? capacity_ : units; }
    void take(std::uint64_t units);
    std::vector<waiter_id> admit_waiters();

    std::uint64_t capacity_;
    std::uint64_t in_use_ = 0;
    std::uint64_t peak_in_use_ = 0;
    std::array<std::deque<waiter>, priority_levels> queues_;
};

}  // namespace shiftsync::engine
