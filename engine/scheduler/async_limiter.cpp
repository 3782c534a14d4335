#include "engine/scheduler/async_limiter.hpp"

#include "engine/error.hpp"
#include "engine/scheduler/cancellation.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace shiftsync::engine {

namespace asio = boost::asio;

// A parked coroutine: it waits on a timer that never expires by itself; admission cancels the
// timer. One timer per *waiting* request, none for requests admitted at once.
struct async_limiter::waiter {
    asio::steady_timer timer;
    bool admitted = false;
};

void async_limiter::permit::reset() {
    if (owner_) std::exchange(owner_, nullptr)->release(std::exchange(units_, 0));
}

async_limiter::async_limiter(asio::any_io_executor executor, std::uint64_t capacity)
    : executor_(std::move(executor)), queue_(capacity) {}

std::optional<async_limiter::permit> async_limiter::try_acquire(std::uint64_t units, priority p) {
    units = std::min(units, queue_.capacity());
    // Only when nobody waits at this priority or above does request() admit at once; otherwise we
    // would queue, which try_acquire must not do.
    if (queue_.in_use() + units > queue_.capacity()) return std::nullopt;
    const auto id = next_id_++;
    if (queue_.request(id, units, p)) return permit(this, units);
    wake(queue_.cancel(id));
    return std::nullopt;
}

asio::awaitable<boost::system::result<async_limiter::permit>> async_limiter::async_acquire(std::uint64_t units,
                                                                                           priority p) {
    return cancellation_as_value(acquire(units, p));
}

asio::awaitable<boost::system::result<async_limiter::permit>> async_limiter::acquire(std::uint64_t units, priority p) {
    units = std::min(units, queue_.capacity());
    const auto id = next_id_++;
    if (queue_.request(id, units, p)) co_return permit(this, units);

    waiter w{asio::steady_timer(executor_, asio::steady_timer::time_point::max())};
    waiters_.emplace(id, &w);
    co_await w.timer.async_wait(asio::as_tuple(asio::use_awaitable));
    waiters_.erase(id);
    if (w.admitted) {
        // Admission and cancellation can cross: the units were granted after the cancellation was
        // delivered. The caller asked to stop, so hand them straight back.
        permit granted(this, units);
        if (co_await is_cancelled()) co_return make_error_code(errc::cancelled);
        co_return granted;
    }
    // Cancelled while queued: leave the queue; whoever that unblocks goes next.
    wake(queue_.cancel(id));
    co_return make_error_code(errc::cancelled);
}

void async_limiter::release(std::uint64_t units) {
    wake(queue_.release(units));
}

void async_limiter::wake(const std::vector<admission_queue::waiter_id>& admitted) {
    for (const auto id : admitted) {
        const auto it = waiters_.find(id);
        if (it == waiters_.end()) continue;
        it->second->admitted = true;
        it->second->timer.cancel();
    }
}

}  // namespace shiftsync::engine
