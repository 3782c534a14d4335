// connection::run (and run_to_completion for any context): the CLI's one blocking point.
#pragma once

#include <boost/asio/co_spawn.hpp>

#include <exception>
#include <optional>

namespace shiftsync::cli {

// Runs `task` to completion on `ctx`. Pooled connections keep the context busy, so it runs until this
// task is done, not until idle.
template <class T>
T run_to_completion(boost::asio::io_context& ctx, boost::asio::awaitable<T> task) {
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

template <class T>
T connection::run(boost::asio::awaitable<T> task) {
    return run_to_completion(ctx_, std::move(task));
}

}  // namespace shiftsync::cli
