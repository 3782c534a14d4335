#pragma once
// Cancellation as a value. By default an asio coroutine *throws* operation_aborted at its next
// co_await once it has been cancelled, and that flag belongs to the whole coroutine chain. The
// engine reports cancellation as errc::cancelled instead (an expected outcome, not an exception),
// so its public coroutines run their body with throwing turned off and restore the caller's
// setting before returning.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/this_coro.hpp>

namespace shiftsync::engine {

template <class T>
boost::asio::awaitable<T> cancellation_as_value(boost::asio::awaitable<T> body) {
    namespace this_coro = boost::asio::this_coro;
    const bool callers_setting = co_await this_coro::throw_if_cancelled();
    co_await this_coro::throw_if_cancelled(false);
    if constexpr (std::is_void_v<T>) {
        co_await std::move(body);
        co_await this_coro::throw_if_cancelled(callers_setting);
    } else {
        auto result = co_await std::move(body);
        co_await this_coro::throw_if_cancelled(callers_setting);
        co_return result;
    }
}

// True once the running coroutine has been asked to stop.
inline boost::asio::awaitable<bool> is_cancelled() {
    auto state = co_await boost::asio::this_coro::cancellation_state;
    co_return state.cancelled() != boost::asio::cancellation_type::none;
}

}  // namespace shiftsync::engine
