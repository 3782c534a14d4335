#pragma once
// The memory budget for in-flight buffers (part uploads, ranged-download chunks). A caller reserves
// the bytes it is about to hold *before* reading or sending a part and keeps the reservation for as
// long as the buffer lives; when the budget is spent, the next caller waits (back-pressure) instead
// of allocating. Priority-ordered like the concurrency limits, so a control call's small buffer is
// not stuck behind bulk parts.
//
// Executor / thread safety: as async_limiter.

#include "engine/scheduler/async_limiter.hpp"

namespace shiftsync::engine {

class memory_budget {
public:
    using reservation = async_limiter::permit;

    memory_budget(boost::asio::any_io_executor executor, std::uint64_t bytes) : limiter_(std::move(executor), bytes) {}

    // Waits for `bytes` (clamped to the whole budget, so an oversized part still runs, alone).
    boost::asio::awaitable<boost::system::result<reservation>> async_reserve(std::uint64_t bytes,
                                                                             priority p = priority::bulk) {
        return limiter_.async_acquire(bytes, p);
    }
    std::optional<reservation> try_reserve(std::uint64_t bytes, priority p = priority::bulk) {
        return limiter_.try_acquire(bytes, p);
    }

    std::uint64_t total() const { return limiter_.capacity(); }
    std::uint64_t reserved() const { return limiter_.in_use(); }
    std::uint64_t peak_reserved() const { return limiter_.peak_in_use(); }
    std::size_t waiting() const { return limiter_.waiting(); }

private:
    async_limiter limiter_;
};

}  // namespace shiftsync::engine
