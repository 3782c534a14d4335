#pragma once
// Structured concurrency: a task group owns the coroutines it starts. It can cancel them all at
// once and await them all; it has a maximum number of running children, and `async_spawn` waits
// for a free slot, so a fan-out over a million parts holds at most `max_children` frames.
// There is no detached spawn in shiftsync: every child has this owner.
//
// Children report expected failures through their own results; an exception escaping a child is
// recorded (the first one) and also cancels its siblings, since the group's job has failed.
//
// Cancelling the coroutine that awaits `async_wait` cancels the children, and async_wait still
// returns only when every child has finished: nothing outlives the group's scope.
//
// Executor / thread safety: one single-threaded executor, shared by the group and its children.
// The group must outlive its children, which `async_wait` guarantees when it is awaited before the
// group is destroyed.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cstddef>
#include <exception>
#include <list>

namespace shiftsync::engine {

class task_group {
public:
    task_group(boost::asio::any_io_executor executor, std::size_t max_children);
    task_group(const task_group&) = delete;
    task_group& operator=(const task_group&) = delete;

    // Starts `task` now, even past max_children (for callers that bound themselves).
    void spawn(boost::asio::awaitable<void> task);

    // Waits for a free slot, then starts `task`. Cancelled while waiting: the task is not started.
    boost::asio::awaitable<void> async_spawn(boost::asio::awaitable<void> task);

    // Delivers a cancellation to every running child.
    void cancel(boost::asio::cancellation_type type = boost::asio::cancellation_type::terminal);

    // Returns when no child is running.
    boost::asio::awaitable<void> async_wait();

    std::size_t running() const { return children_.size(); }
    std::size_t peak_running() const { return peak_; }
    std::exception_ptr first_exception() const { return first_exception_; }

private:
    boost::asio::awaitable<void> wait_until_running_below(std::size_t limit);
    boost::asio::awaitable<void> spawn_when_free(boost::asio::awaitable<void> task);
    boost::asio::awaitable<void> wait_all();

    boost::asio::any_io_executor executor_;
    std::size_t max_children_;
    std::size_t peak_ = 0;
    std::list<boost::asio::cancellation_signal> children_;  // one signal per running child
    boost::asio::steady_timer child_finished_;              // cancelled whenever a child ends
    std::exception_ptr first_exception_;
};

}  // namespace shiftsync::engine
