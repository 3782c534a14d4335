// connection::run: the CLI's one blocking point.
#pragma once

#include <boost/asio/co_spawn.hpp>

#include <exception>
#include <optional>

namespace shiftsync::cli {

template <class T>
T connection::run(boost::asio::awaitable<T> task) {
    std::optional<T> out;
    std::exception_ptr error;
    boost::asio::co_spawn(ctx_, std::move(task), [&](std::exception_ptr e, T value) {
        error = e;
        out.emplace(std::move(value));
    });
    // Pooled connections keep the context busy, so run until this task is done, not until idle.
    while (!out) {
        if (ctx_.stopped()) ctx_.restart();
        ctx_.run_one();
    }
    if (error) std::rethrow_exception(error);
    return std::move(*out);
}

}  // namespace shiftsync::cli
