#pragma once
// A few threads for work that would stall the network thread: checksums of whole parts, file
// reads and writes (pread/pwrite/fsync can block on a busy disk), later compression. One
// io_context thread drives thousands of sockets only while nothing on it takes long.
//
// async_run(fn) runs `fn` on a pool thread and resumes the awaiting coroutine on its own
// executor with fn's result. `fn` must not throw (return a result instead) and must own or
// outlive what it touches: it may still run after the awaiting coroutine was cancelled, so the
// coroutine waits for it either way (there is no cancellation of CPU work, only of waiting).
//
// Thread safety: async_run may be called from any executor; the pool joins its threads in its
// destructor, after every queued function ran.
//
// Lifetimes: the io_context a caller runs on must outlive the pool (declare it first). A pool
// thread posts the result back, then releases its work guard on that context, and the caller may
// have resumed in between: a context run only until its coroutine is done, then destroyed before
// the pool, is a use-after-free (ThreadSanitizer found one in a test).

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <cstddef>
#include <thread>
#include <type_traits>
#include <utility>

namespace shiftsync::engine {

class cpu_pool {
public:
    explicit cpu_pool(std::size_t threads) : threads_(std::max<std::size_t>(1, threads)), pool_(threads_) {}
    cpu_pool(const cpu_pool&) = delete;
    cpu_pool& operator=(const cpu_pool&) = delete;
    ~cpu_pool() { pool_.join(); }

    // One thread per core: CPU-bound work gains nothing from more.
    static std::size_t cores() { return std::max(1u, std::thread::hardware_concurrency()); }

    std::size_t threads() const { return threads_; }

    // `fn` by reference, moved into the operation: no temporary (tools/checks/coroutine_hazards.py).
    template <class Fn>
    boost::asio::awaitable<std::invoke_result_t<std::decay_t<Fn>&>> async_run(Fn&& fn) {
        using F = std::decay_t<Fn>;
        using value = std::invoke_result_t<F&>;
        static_assert(!std::is_void_v<value>, "return a value (a result), so failures come back");
        auto initiate = [this](auto handler, F work) {
            // The guard keeps the caller's executor alive (io_context::run does not return) while
            // the work is away on the pool.
            auto guard = boost::asio::make_work_guard(handler);
            boost::asio::post(pool_, [handler = std::move(handler), work = std::move(work),
                                      guard = std::move(guard)]() mutable {
                value out = work();
                auto home = guard.get_executor();
                boost::asio::post(home, [handler = std::move(handler), out = std::move(out)]() mutable {
                    std::move(handler)(std::move(out));
                });
            });
        };
        return boost::asio::async_initiate<const boost::asio::use_awaitable_t<>&, void(value)>(
            std::move(initiate), boost::asio::use_awaitable, F(std::forward<Fn>(fn)));
    }

private:
    std::size_t threads_;
    boost::asio::thread_pool pool_;
};

}  // namespace shiftsync::engine
