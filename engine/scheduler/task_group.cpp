#include "engine/scheduler/task_group.hpp"

#include "engine/scheduler/cancellation.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>

namespace shiftsync::engine {

namespace asio = boost::asio;

task_group::task_group(asio::any_io_executor executor, std::size_t max_children)
    : executor_(executor),
      max_children_(std::max<std::size_t>(max_children, 1)),
      child_finished_(executor, asio::steady_timer::time_point::max()) {}

void task_group::spawn(asio::awaitable<void> task) {
    auto signal = children_.emplace(children_.end());
    peak_ = std::max(peak_, children_.size());
    asio::co_spawn(executor_, std::move(task),
                   asio::bind_cancellation_slot(signal->slot(), [this, signal](std::exception_ptr e) {
                       children_.erase(signal);
                       if (e && !first_exception_) {
                           first_exception_ = e;
                           cancel();
                       }
                       child_finished_.cancel();
                   }));
}

void task_group::cancel(asio::cancellation_type type) {
    for (auto& signal : children_) signal.emit(type);
}

asio::awaitable<void> task_group::wait_until_running_below(std::size_t limit) {
    while (children_.size() >= limit) {
        co_await child_finished_.async_wait(asio::as_tuple(asio::use_awaitable));
        // The timer is shared: re-arm it so the next wait really waits.
        child_finished_.expires_at(asio::steady_timer::time_point::max());
        auto state = co_await asio::this_coro::cancellation_state;
        if (state.cancelled() != asio::cancellation_type::none) co_return;
    }
}

asio::awaitable<void> task_group::async_spawn(asio::awaitable<void> task) {
    return cancellation_as_value(spawn_when_free(std::move(task)));
}

asio::awaitable<void> task_group::async_wait() {
    return cancellation_as_value(wait_all());
}

asio::awaitable<void> task_group::spawn_when_free(asio::awaitable<void> task) {
    co_await wait_until_running_below(max_children_);
    auto state = co_await asio::this_coro::cancellation_state;
    if (state.cancelled() != asio::cancellation_type::none) co_return;
    spawn(std::move(task));
}

asio::awaitable<void> task_group::wait_all() {
    while (!children_.empty()) {
        co_await wait_until_running_below(1);
        auto state = co_await asio::this_coro::cancellation_state;
        if (state.cancelled() != asio::cancellation_type::none) {
            // Our awaiter was cancelled: pass it on to the children, then keep waiting for them so
            // none outlives the scope that owns the group.
            cancel(state.cancelled());
            co_await asio::this_coro::reset_cancellation_state();
        }
    }
}

}  // namespace shiftsync::engine
