#pragma once
// One localaws for the whole test binary, and clients on it acting as the connector role (the
// operator's keys assume it with its ExternalId, as the connector guide sets it up).

#include "aws/credentials/assume_role_provider.hpp"
#include "aws/credentials/chain.hpp"
#include "aws/redshift_data/redshift_data_client.hpp"
#include "aws/s3/s3_client.hpp"
#include "localaws_process.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>
#include "tests/support/run_until_done.hpp"

#include <optional>

namespace shared {

localaws::testing::localaws_process& localaws();

template <class T>
T run(boost::asio::io_context& ctx, boost::asio::awaitable<T> task) {
    return shiftsync::testing::run_until_done(ctx, std::move(task));
}

// The connector role's clients.
struct connector {
    boost::asio::io_context ctx;
    shiftsync::engine::http::client http{ctx.get_executor()};
    std::unique_ptr<shiftsync::aws::service_client> data_service, s3_service;
    std::unique_ptr<shiftsync::aws::redshift_data::redshift_data_client> data;
    std::unique_ptr<shiftsync::aws::s3::s3_client> s3;

    connector();
};

}  // namespace shared
