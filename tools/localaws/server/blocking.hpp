#pragma once
// offload(pool, f): runs a blocking function (disk, fsync, PostgreSQL) on the blocking pool and
// resumes the calling coroutine on its own executor with the result. Include only from .cpp files:
// it brings in Asio.
// Pass `f` as a named variable, not a lambda written in the co_await (tools/checks/coroutine_hazards.py).

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <type_traits>
#include <utility>

namespace localaws {

template <class F, class R = std::invoke_result_t<std::decay_t<F>&>>
boost::asio::awaitable<R> offload(boost::asio::thread_pool& pool, F&& f) {
    using fn_type = std::decay_t<F>;
    static_assert(!std::is_void_v<R>, "return a value (an error_code, a result) from blocking work");
    return boost::asio::async_initiate<const boost::asio::use_awaitable_t<>&, void(R)>(
        [&pool](auto handler, fn_type fn) {
            auto work = boost::asio::make_work_guard(boost::asio::get_associated_executor(handler));
            boost::asio::post(pool, [h = std::move(handler), fn = std::move(fn), work = std::move(work)]() mutable {
                R result = fn();
                auto ex = work.get_executor();
                boost::asio::dispatch(ex, [h = std::move(h), result = std::move(result)]() mutable {
                    std::move(h)(std::move(result));
                });
            });
        },
        boost::asio::use_awaitable, fn_type(std::forward<F>(f)));
}

}  // namespace localaws
