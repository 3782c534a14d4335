// aws::redshift_data call shapes against moto_server (signature checks on). moto's Data API
// answers with canned rows and never finishes a statement, which makes it a good place to prove the
// shapes and the waiter's cancellation; real results are tested against localaws.

#include "aws/client/service_client.hpp"
#include "aws/redshift_data/redshift_data_client.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <gtest/gtest.h>
#include "tests/support/run_until_done.hpp"

#include <cstdlib>
#include <optional>

namespace asio = boost::asio;
using namespace shiftsync;
using namespace shiftsync::aws;
using namespace shiftsync::aws::redshift_data;

namespace {

std::string env_or_throw(const char* name) {
    const char* v = std::getenv(name);
    if (!v || !*v) throw std::runtime_error(std::string(name) + " is not set: run this through moto_fixture.py");
    return v;
}

template <class T>
T run(boost::asio::io_context& ctx, boost::asio::awaitable<T> task) {
    return shiftsync::testing::run_until_done(ctx, std::move(task));
}

class DataApiInterop : public ::testing::Test {
protected:
    void SetUp() override {
        std::string error;
        auto ep = endpoints::resolve(endpoints::service::redshift_data, "us-east-1",
                                     {.explicit_url = env_or_throw("SHIFTSYNC_MOTO_URL")}, error);
        service = std::make_unique<service_client>(
            http,
            make_static_provider({env_or_throw("SHIFTSYNC_MOTO_ACCESS_KEY_ID"), env_or_throw("SHIFTSYNC_MOTO_SECRET_ACCESS_KEY")},
                                 "moto test user"),
            service_target{endpoints::service::redshift_data, *ep, "us-east-1", wire_protocol::json_1_1});
        data = std::make_unique<redshift_data_client>(*service);
    }
    std::uint64_t requests_for(std::string_view operation) const {
        std::uint64_t n = 0;
        for (const auto& row : http.metrics().snapshot())
            if (row.operation == operation) n += row.requests;
        return n;
    }

    asio::io_context ctx;
    engine::http::client http{ctx.get_executor()};
    std::unique_ptr<service_client> service;
    std::unique_ptr<redshift_data_client> data;
};

}  // namespace

TEST_F(DataApiInterop, ExecuteDescribeResultCancel) {
    diagnostics diag;
    auto started = run(ctx, data->async_execute_statement(
                                {.sql = "select :n", .database = "dev", .workgroup = "default-workgroup",
                                 .parameters = {{"n", "1"}}},
                                diag));
    ASSERT_TRUE(started) << diag.to_string();
    EXPECT_FALSE(started->id.empty());

    auto described = run(ctx, data->async_describe_statement(started->id, diag));
    ASSERT_TRUE(described) << diag.to_string();
    EXPECT_EQ(described->id, started->id);
    EXPECT_EQ(described->query_string, "select :n");
    EXPECT_NE(described->status, statement_status::unknown);

    std::int64_t rows_seen = 0;
    auto total = run(ctx, data->async_for_each_page(started->id, [&](result_page& page) {
        EXPECT_FALSE(page.columns.empty());
        rows_seen += static_cast<std::int64_t>(page.rows.size());
        return true;
    }, diag));
    ASSERT_TRUE(total) << diag.to_string();
    EXPECT_GT(*total, 0);
    EXPECT_EQ(*total, rows_seen);

    auto cancelled = run(ctx, data->async_cancel_statement(started->id, diag));
    ASSERT_TRUE(cancelled) << diag.to_string();
    EXPECT_TRUE(*cancelled);
}

TEST_F(DataApiInterop, UnknownStatementIsAnErrorWithTheServiceCode) {
    diagnostics diag;
    auto described = run(ctx, data->async_describe_statement("00000000-0000-0000-0000-000000000000", diag));
    ASSERT_FALSE(described);
    EXPECT_FALSE(diag.code.empty());
    EXPECT_NE(diag.to_string().find("redshift-data DescribeStatement failed"), std::string::npos) << diag.to_string();
}

TEST_F(DataApiInterop, CancellingTheWaiterCancelsTheStatement) {
    using namespace asio::experimental::awaitable_operators;
    diagnostics diag;
    auto started = run(ctx, data->async_execute_statement(
                                {.sql = "select pg_sleep(60)", .database = "dev", .workgroup = "default-workgroup"}, diag));
    ASSERT_TRUE(started) << diag.to_string();
    int polls = 0;
    // Give up once the waiter has polled three times (not after a fixed time: this machine's
    // speed is nobody's business here).
    auto outcome = run(ctx, [&]() -> asio::awaitable<bool> {
        auto give_up = [&]() -> asio::awaitable<void> {
            asio::steady_timer tick(co_await asio::this_coro::executor);
            while (polls < 3) {
                tick.expires_after(std::chrono::milliseconds(5));
                co_await tick.async_wait(asio::use_awaitable);
            }
        };
        const wait_policy policy;
        diagnostics wait_diag;
        auto winner = co_await (data->async_wait_for(started->id, wait_diag, policy, &polls) || give_up());
        co_return winner.index() == 1;  // give_up won: the wait was cancelled
    }());
    EXPECT_TRUE(outcome);
    EXPECT_GE(polls, 3);
    EXPECT_EQ(requests_for("redshift-data.CancelStatement"), 1u);
}
