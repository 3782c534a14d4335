#pragma once
// One request/response exchange on an open connection: send the head and body, read the
// response head, stream the body to its sink. Every step runs under a deadline (deadline_budget)
// and checks for cancellation after it completes.

#include "engine/http/detail/connection.hpp"
#include "engine/http/message.hpp"
#include "engine/http/request_options.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>

#include <cstdint>

namespace shiftsync::engine::http::detail {

struct exchange_outcome {
    boost::system::error_code error;
    bool response_started = false;  // at least one response byte arrived
    bool keep_alive = false;        // the connection may serve another request
    std::uint64_t bytes_sent = 0;   // body bytes
};

boost::asio::awaitable<exchange_outcome> async_exchange(connection& conn, const request& req, const endpoint& where,
                                                        const request_options& options, const deadline_budget& budget,
                                                        response& out);

}  // namespace shiftsync::engine::http::detail
