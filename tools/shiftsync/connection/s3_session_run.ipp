// s3_session::run: the S3 commands' one blocking point.
#pragma once

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>

#include <exception>
#include <optional>

namespace shiftsync::cli {

template <class T>
T s3_session::run(boost::asio::awaitable<T> task) {
    std::optional<T> out;
    std::exception_ptr error;
    bool done = false;
    boost::asio::cancellation_signal cancel;
    arm_signals([this, &cancel] {
        interrupted_ = true;
        cancel.emit(boost::asio::cancellation_type::terminal);
    });
    boost::asio::co_spawn(ctx_, std::move(task),
                          boost::asio::bind_cancellation_slot(cancel.slot(), [&](std::exception_ptr e, T value) {
                              error = e;
                              out.emplace(std::move(value));
                              done = true;
                          }));
    run_until(done);
    if (error) std::rethrow_exception(error);
    return std::move(*out);
}

}  // namespace shiftsync::cli
