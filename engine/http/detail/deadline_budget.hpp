#pragma once
// Turns the request's deadlines into one timer setting per network step. Each step (connect,
// handshake, send, wait for the header, each body read) arms the stream's own timer with
// min(step deadline, what is left of the whole request), and remembers which error to report if
// that timer fires. One timer per connection, re-armed per step: no timer objects per request.

#include "engine/error.hpp"

#include <boost/beast/core/tcp_stream.hpp>

#include <algorithm>
#include <chrono>

namespace shiftsync::engine::http::detail {

class deadline_budget {
public:
    using clock = std::chrono::steady_clock;

    explicit deadline_budget(clock::time_point request_end) : request_end_(request_end) {}

    // Arms `stream` for one step; returns the error to report if it expires.
    errc arm(boost::beast::tcp_stream& stream, clock::duration step, errc step_error) const {
        const auto now = clock::now();
        const auto remaining = request_end_ - now;
        if (remaining <= step) {
            stream.expires_after(std::max(remaining, clock::duration::zero()));
            return errc::request_timeout;
        }
        stream.expires_after(step);
        return step_error;
    }

    clock::duration remaining() const { return request_end_ - clock::now(); }
    clock::time_point end() const { return request_end_; }

private:
    clock::time_point request_end_;
};

}  // namespace shiftsync::engine::http::detail
