#pragma once
// The client's state, shared by client.cpp (lifecycle, stats) and client_send.cpp (the request
// loop). Internal.

#include "engine/http/client.hpp"
#include "engine/http/detail/endpoint_pool.hpp"
#include "engine/retry/rate_limiter_set.hpp"
#include "engine/scheduler/async_limiter.hpp"

#include <boost/asio/ssl/context.hpp>

#include <map>
#include <optional>
#include <random>
#include <string>

namespace shiftsync::engine::http {

struct client::impl {
    impl(boost::asio::any_io_executor ex, client_config cfg);

    detail::endpoint_pool& pool_for(const endpoint& where);

    // The whole request: admission, attempts, retries, metrics.
    boost::asio::awaitable<boost::system::result<response>> send(endpoint where, request req, request_options options);

    // One attempt on a pooled connection, plus the single keep-alive-race retry.
    boost::asio::awaitable<boost::system::error_code> attempt(detail::endpoint_pool& pool, const request& req,
                                                              const request_options& options,
                                                              const detail::deadline_budget& budget, response& out,
                                                              request_sample& sample);

    boost::asio::any_io_executor executor;
    client_config config;
    std::optional<boost::asio::ssl::context> tls;
    boost::system::error_code tls_error;  // why `tls` is missing, reported by https requests
    retry_quota quota;
    rate_limiter_set limiters;
    metrics_registry metrics;
    async_limiter global_limit;
    std::map<std::string, std::unique_ptr<detail::endpoint_pool>, std::less<>> pools;
    std::minstd_rand random{std::random_device{}()};
};

}  // namespace shiftsync::engine::http
