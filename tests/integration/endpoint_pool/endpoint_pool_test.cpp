// transfer/endpoint against localaws's workgroup endpoint, as the connector role: credentials that
// expire mid-run (localaws's clock moved past them) while new connections keep working; 1,000
// statements pipelined on one pooled connection, in order; the network thread serving 200 Data API
// calls while a statement runs on the endpoint; GetCredentials refused, explained.

#include "aws/credentials/assume_role_provider.hpp"
#include "aws/credentials/chain.hpp"
#include "aws/redshift_data/redshift_data_client.hpp"
#include "aws/redshift_serverless/redshift_serverless_client.hpp"
#include "localaws_process.hpp"
#include "tests/support/run_until_done.hpp"
#include "transfer/endpoint/endpoint_pool.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace asio = boost::asio;
namespace aws = shiftsync::aws;
namespace ep = shiftsync::transfer::endpoint;
namespace pg = shiftsync::engine::pg;
namespace http = shiftsync::engine::http;
namespace la = localaws::testing;

namespace {

la::localaws_process& localaws() {
    static la::localaws_process process(LOCALAWS_BIN);
    return process;
}

template <class T>
T run(asio::io_context& ctx, asio::awaitable<T> task) {
    return shiftsync::testing::run_until_done(ctx, std::move(task));
}

// The connector role's clients (the operator's keys assume it), or the operator's own.
struct connector {
    asio::io_context ctx;
    http::client http{ctx.get_executor()};
    std::unique_ptr<aws::service_client> data_service, serverless_service;
    std::unique_ptr<aws::redshift_data::redshift_data_client> data;
    std::unique_ptr<aws::redshift_serverless::redshift_serverless_client> serverless;

    explicit connector(bool assume_the_role = true) {
        auto keys = aws::make_static_provider({la::operator_access_key, la::operator_secret_key}, "operator keys");
        std::shared_ptr<aws::credentials_provider> identity = keys;
        std::string error;
        const aws::endpoints::endpoint_sources at{.explicit_url = localaws().endpoint()};
        if (assume_the_role) {
            auto sts_ep = aws::endpoints::resolve(aws::endpoints::service::sts, la::region, at, error);
            auto sts = std::make_shared<aws::service_client>(
                http, keys, aws::service_target{aws::endpoints::service::sts, *sts_ep, la::region, aws::wire_protocol::query});
            identity = aws::make_assume_role_provider(sts, {.role = {.role_arn = la::connector_role_arn,
                                                                     .external_id = la::connector_external_id,
                                                                     .role_session_name = "endpoint-pool-test"}});
        }
        auto data_ep = aws::endpoints::resolve(aws::endpoints::service::redshift_data, la::region, at, error);
        data_service = std::make_unique<aws::service_client>(
            http, identity,
            aws::service_target{aws::endpoints::service::redshift_data, *data_ep, la::region, aws::wire_protocol::json_1_1});
        data = std::make_unique<aws::redshift_data::redshift_data_client>(*data_service);
        auto rs_ep = aws::endpoints::resolve(aws::endpoints::service::redshift_serverless, la::region, at, error);
        serverless_service = std::make_unique<aws::service_client>(
            http, identity,
            aws::service_target{aws::endpoints::service::redshift_serverless, *rs_ep, la::region,
                                aws::wire_protocol::json_1_1});
        serverless = std::make_unique<aws::redshift_serverless::redshift_serverless_client>(*serverless_service);
    }

    ep::endpoint_settings settings() const {
        ep::endpoint_settings s;
        s.address = {localaws().pg_host(), localaws().pg_port()};
        s.ca_file = localaws().pg_ca();
        return s;
    }

    // PUT /_localaws/clock: localaws's clock (and its passwords' VALID UNTIL) moved by `seconds`.
    void set_clock_offset(long long seconds) {
        http::request r;
        r.method = "PUT";
        r.target = "/_localaws/clock";
        r.headers.add("Content-Type", "application/json");
        r.body = http::buffer_source::from(boost::json::serialize(boost::json::object{{"offset_seconds", seconds}}));
        auto reply = run(ctx, http.async_send(*http::endpoint::parse(localaws().endpoint()), std::move(r)));
        ASSERT_TRUE(reply) << reply.error().message();
        ASSERT_EQ(reply->status, 200u) << reply->body;
    }
};

// One statement's whole result on a lease; fails the test with the server's words otherwise.
asio::awaitable<pg::statement_result> must(ep::connection_lease& lease, std::string sql,
                                           std::vector<pg::parameter> params = {}) {
    pg::pg_diagnostics diag;
    auto r = co_await lease->async_execute(std::move(sql), std::move(params), diag);
    EXPECT_TRUE(r) << diag.to_string();
    if (!r) co_return pg::statement_result{};
    co_return std::move(*r);
}

asio::awaitable<ep::connection_lease> lease_from(ep::endpoint_pool& pool) {
    aws::diagnostics diag;
    auto lease = co_await pool.async_acquire(diag);
    EXPECT_TRUE(lease) << diag.to_string();
    if (!lease) co_return ep::connection_lease{};
    co_return std::move(*lease);
}

// select $1::int with i, its answer in slots[i]; then i appended to `order` (completion order).
asio::awaitable<void> numbered(pg::connection& c, int i, std::vector<int>& slots, std::vector<int>& order) {
    pg::pg_diagnostics diag;
    std::vector<pg::parameter> p{std::to_string(i)};
    std::string sql = "select $1::int";
    auto r = co_await c.async_execute(std::move(sql), std::move(p), diag);
    if (r && !r->rows.empty() && r->rows[0][0]) slots[static_cast<std::size_t>(i)] = std::stoi(*r->rows[0][0]);
    order.push_back(i);
}

// A long statement that must end by cancellation; `ended` once it did.
asio::awaitable<void> sleep_until_cancelled(pg::connection& c, bool& ended) {
    pg::pg_diagnostics diag;
    std::string sql = "select pg_sleep(30)";
    std::vector<pg::parameter> none;
    auto r = co_await c.async_execute(std::move(sql), std::move(none), diag);
    EXPECT_FALSE(r);
    if (!r) {
        EXPECT_EQ(r.error(), make_error_code(pg::errc::cancelled));
    }
    ended = true;
}

std::string first_value(const pg::statement_result& r) {
    return r.rows.empty() || r.rows[0].empty() || !r.rows[0][0] ? std::string("<none>") : *r.rows[0][0];
}

}  // namespace

TEST(EndpointPool, CredentialsExpireMidRunAndNewConnectionsKeepWorking) {
    connector c;
    ep::credential_cache credentials(*c.serverless, {.workgroup_name = la::workgroup, .db_name = "dev"});
    ep::endpoint_pool pool(c.ctx.get_executor(), credentials, c.settings());
    auto first = run(c.ctx, lease_from(pool));
    ASSERT_TRUE(first);
    EXPECT_EQ(first_value(run(c.ctx, must(first, "select current_user::text"))), "IAMR:shiftsync-connector");
    EXPECT_EQ(credentials.fetches(), 1);

    // An hour later on localaws's clock: the password the cache holds is past its VALID UNTIL, but
    // the cache cannot know (its clock did not move). The login is refused once, then retried fresh.
    c.set_clock_offset(3600);
    auto second = run(c.ctx, lease_from(pool));
    c.set_clock_offset(0);
    ASSERT_TRUE(second);
    EXPECT_EQ(first_value(run(c.ctx, must(second, "select 'second'"))), "second");
    EXPECT_EQ(pool.refused_logins(), 1);
    EXPECT_EQ(credentials.fetches(), 2);
    EXPECT_EQ(pool.connects(), 3);  // the first, the refused one, the fresh one
    // A session opened before the expiry goes on (PostgreSQL checks the password at login only).
    EXPECT_EQ(first_value(run(c.ctx, must(first, "select 'first still here'"))), "first still here");

    // Returned leases are reused, not reopened.
    first = ep::connection_lease{};
    auto again = run(c.ctx, lease_from(pool));
    EXPECT_EQ(pool.connects(), 3);
    EXPECT_EQ(credentials.fetches(), 2);
}

TEST(EndpointPool, AThousandPipelinedStatementsReturnInOrder) {
    connector c;
    ep::credential_cache credentials(*c.serverless, {.workgroup_name = la::workgroup, .db_name = "dev"});
    ep::endpoint_pool pool(c.ctx.get_executor(), credentials, c.settings());
    auto lease = run(c.ctx, lease_from(pool));
    ASSERT_TRUE(lease);
    std::vector<int> answers;
    run(c.ctx, [&]() -> asio::awaitable<int> {
        auto executor = co_await asio::this_coro::executor;
        std::vector<int> slots(1000, -1);
        for (int i = 0; i < 1000; ++i) asio::co_spawn(executor, numbered(*lease, i, slots, answers), asio::detached);
        // Let them all be sent before any answer is read.
        asio::steady_timer settle(executor, std::chrono::milliseconds(0));
        co_await settle.async_wait(asio::use_awaitable);
        EXPECT_GT(lease->in_flight(), 100u) << "the statements were not pipelined";
        while (answers.size() < 1000) {
            asio::steady_timer tick(executor, std::chrono::milliseconds(5));
            co_await tick.async_wait(asio::use_awaitable);
        }
        for (int i = 0; i < 1000; ++i) EXPECT_EQ(slots[static_cast<std::size_t>(i)], i);
        co_return 0;
    }());
    ASSERT_EQ(answers.size(), 1000u);
    for (int i = 0; i < 1000; ++i) EXPECT_EQ(answers[static_cast<std::size_t>(i)], i) << "completed out of order";
}

TEST(EndpointPool, TheNetworkThreadServesDataApiCallsWhileAStatementRuns) {
    connector c;
    ep::credential_cache credentials(*c.serverless, {.workgroup_name = la::workgroup, .db_name = "dev"});
    ep::endpoint_pool pool(c.ctx.get_executor(), credentials, c.settings());
    auto lease = run(c.ctx, lease_from(pool));
    ASSERT_TRUE(lease);
    int calls = 0;
    bool statement_still_running = false;
    run(c.ctx, [&]() -> asio::awaitable<int> {
        auto executor = co_await asio::this_coro::executor;
        asio::cancellation_signal stop;
        bool slept_out = false;
        asio::co_spawn(executor, sleep_until_cancelled(*lease, slept_out),
                       asio::bind_cancellation_slot(stop.slot(), asio::detached));
        // On the same (only) thread, 200 Data API calls, one after another.
        const std::string database = "dev", workgroup = la::workgroup, schema = "public";
        for (int i = 0; i < 200; ++i) {
            aws::diagnostics diag;
            auto listed = co_await c.data->async_list_schemas(database, workgroup, schema, diag);
            EXPECT_TRUE(listed) << diag.to_string();
            ++calls;
        }
        statement_still_running = !slept_out && lease->in_flight() == 1;
        stop.emit(asio::cancellation_type::terminal);
        while (!slept_out) {
            asio::steady_timer tick(executor, std::chrono::milliseconds(5));
            co_await tick.async_wait(asio::use_awaitable);
        }
        co_return 0;
    }());
    EXPECT_EQ(calls, 200);
    EXPECT_TRUE(statement_still_running) << "the endpoint statement ended before the Data API calls did";
}

TEST(EndpointPool, GetCredentialsRefusedNamesThePermission) {
    connector operator_itself(false);  // the operator's keys: allowed sts:AssumeRole, nothing else
    ep::credential_cache credentials(*operator_itself.serverless, {.workgroup_name = la::workgroup, .db_name = "dev"});
    ep::endpoint_pool pool(operator_itself.ctx.get_executor(), credentials, operator_itself.settings());
    aws::diagnostics diag;
    auto lease = run(operator_itself.ctx, pool.async_acquire(diag));
    ASSERT_FALSE(lease);
    EXPECT_EQ(diag.code, "AccessDeniedException");
    EXPECT_NE(diag.to_string().find("redshift-serverless:GetCredentials"), std::string::npos) << diag.to_string();
    EXPECT_EQ(pool.connects(), 0);
}
