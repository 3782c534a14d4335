#pragma once
// Tests drive coroutines from plain gtest bodies: run_until_done(ctx, awaitable) spawns it on the
// io_context and runs the context until that coroutine has finished — not until the context is
// idle, which it never is while pooled connections keep their timers. Restarts a context that had
// run out of work. Rethrows what the coroutine threw.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <exception>
#include <optional>

namespace shiftsync::testing {

template <class T>
T run_until_done(boost::asio::io_context& ctx, boost::asio::awaitable<T> task) {
    std::optional<T> out;
    std::exception_ptr error;
    boost::asio::co_spawn(ctx, std::move(task), [&](std::exception_ptr e, T value) {
        error = e;
        out.emplace(std::move(value));
    });
    while (!out) {
        if (ctx.stopped()) ctx.restart();
        ctx.run_one();
    }
    if (error) std::rethrow_exception(error);
    return std::move(*out);
}

}  // namespace shiftsync::testing
