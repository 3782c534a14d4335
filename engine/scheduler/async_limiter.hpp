#pragma once
// A counting limit that coroutines wait on, admitted by priority (admission_queue decides; this
// class parks and wakes the waiters). Used for the global and per-endpoint concurrency limits
// (units = requests) and for the memory budget (units = bytes).
//
// A permit gives its units back when destroyed. Waiting honours per-operation cancellation: a
// cancelled waiter leaves the queue and gets errc::cancelled, and nobody is admitted on its behalf.
//
// Executor / thread safety: all waiters and permits belong to one single-threaded executor (the
// network thread). The limiter must outlive every permit and waiter.

#include "engine/scheduler/admission_queue.hpp"
#include "engine/scheduler/priority.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>

#include <cstdint>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

namespace shiftsync::engine {

class async_limiter {
public:
    class permit {
    public:
        permit() = default;
        permit(permit&& other) noexcept
            : owner_(std::exchange(other.owner_, nullptr)), units_(std::exchange(other.units_, 0)) {}
        permit& operator=(permit&& other) noexcept {
            if (this != &other) {
                reset();
                owner_ = std::exchange(other.owner_, nullptr);
                units_ = std::exchange(other.units_, 0);
            }
            return *this;
        }
        ~permit() { reset(); }
        void reset();
        std::uint64_t units() const { return units_; }
        explicit operator bool() const { return owner_ != nullptr; }

    private:
        friend class async_limiter;
        permit(async_limiter* owner, std::uint64_t units) : owner_(owner), units_(units) {}
        async_limiter* owner_ = nullptr;
        std::uint64_t units_ = 0;
    };

    async_limiter(boost::asio::any_io_executor executor, std::uint64_t capacity);
    async_limiter(const async_limiter&) = delete;
    async_limiter& operator=(const async_limiter&) = delete;

    // Waits until `units` (clamped to capacity) are free and it is this caller's turn.
    boost::asio::awaitable<boost::system::result<permit>> async_acquire(std::uint64_t units, priority p);

    // Takes the units only if that needs no waiting.
    std::optional<permit> try_acquire(std::uint64_t units, priority p);

    std::uint64_t capacity() const { return queue_.capacity(); }
    std::uint64_t in_use() const { return queue_.in_use(); }
    std::uint64_t peak_in_use() const { return queue_.peak_in_use(); }
    std::size_t waiting() const { return queue_.waiting(); }

private:
    struct waiter;
    boost::asio::awaitable<boost::system::result<permit>> acquire(std::uint64_t units, priority p);
    void release(std::uint64_t units);
    void wake(const std::vector<admission_queue::waiter_id>& admitted);

    boost::asio::any_io_executor executor_;
    admission_queue queue_;
    admission_queue::waiter_id next_id_ = 1;
    std::unordered_map<admission_queue::waiter_id, waiter*> waiters_;
};

}  // namespace shiftsync::engine
