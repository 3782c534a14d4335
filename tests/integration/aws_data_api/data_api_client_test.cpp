// aws::redshift_data against localaws's Data API (real PostgreSQL), as the connector role.

#include "shared_localaws.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cmath>
#include <cstdlib>

namespace asio = boost::asio;
using namespace shiftsync;
using namespace shiftsync::aws;
using namespace shiftsync::aws::redshift_data;
using shared::run;

namespace shared {

localaws::testing::localaws_process& localaws() {
    static localaws::testing::localaws_process instance(LOCALAWS_BIN);
    return instance;
}

connector::connector() {
    auto provider = make_static_provider({::localaws::testing::operator_access_key, ::localaws::testing::operator_secret_key},
                                         "operator keys");
    std::string error;
    auto sts_ep = endpoints::resolve(endpoints::service::sts, "us-east-1", {.explicit_url = localaws().endpoint()}, error);
    auto sts = std::make_shared<service_client>(http, provider, service_target{endpoints::service::sts, *sts_ep, "us-east-1",
                                                                               wire_protocol::query});
    auto role = make_assume_role_provider(sts, {.role = {.role_arn = ::localaws::testing::connector_role_arn,
                                                         .external_id = ::localaws::testing::connector_external_id,
                                                         .role_session_name = "aws-data-api-test"}});
    auto data_ep = endpoints::resolve(endpoints::service::redshift_data, "us-east-1", {.explicit_url = localaws().endpoint()}, error);
    data_service = std::make_unique<service_client>(
        http, role, service_target{endpoints::service::redshift_data, *data_ep, "us-east-1", wire_protocol::json_1_1});
    data = std::make_unique<redshift_data_client>(*data_service);
    auto s3_ep = endpoints::resolve(endpoints::service::s3, "us-east-1", {.explicit_url = localaws().endpoint()}, error);
    s3_service = std::make_unique<service_client>(
        http, role, service_target{endpoints::service::s3, *s3_ep, "us-east-1", wire_protocol::rest_xml});
    s3 = std::make_unique<s3::s3_client>(*s3_service);
}

}  // namespace shared

namespace {

class DataApi : public ::testing::Test {
protected:
    // Runs SQL to completion; fails the test with Redshift's error otherwise.
    statement_description sql(const std::string& text) {
        diagnostics diag;
        execute_request request{.sql = text, .database = "dev", .workgroup = ::localaws::testing::workgroup};
        auto started = run(c.ctx, c.data->async_execute_statement(request, diag));
        EXPECT_TRUE(started) << diag.to_string();
        if (!started) return {};
        auto done = run(c.ctx, c.data->async_wait_for(started->id, diag));
        EXPECT_TRUE(done) << diag.to_string();
        return done ? *done : statement_description{};
    }
    shared::connector c;
};

}  // namespace

TEST_F(DataApi, CatalogCallsSeeWhatTheRoleCreated) {
    sql("create table if not exists public.catalog_probe (id integer not null, label varchar(20), amount numeric(10,2))");
    diagnostics diag;
    auto dbs = run(c.ctx, c.data->async_list_databases("dev", ::localaws::testing::workgroup, diag));
    ASSERT_TRUE(dbs) << diag.to_string();
    EXPECT_NE(std::find(dbs->begin(), dbs->end(), "dev"), dbs->end());
    auto schemas = run(c.ctx, c.data->async_list_schemas("dev", ::localaws::testing::workgroup, "pub%", diag));
    ASSERT_TRUE(schemas) << diag.to_string();
    EXPECT_EQ(*schemas, std::vector<std::string>{"public"});
    auto tables = run(c.ctx, c.data->async_list_tables("dev", ::localaws::testing::workgroup, "public", "catalog%", diag));
    ASSERT_TRUE(tables) << diag.to_string();
    ASSERT_EQ(tables->size(), 1u);
    EXPECT_EQ(tables->front().name, "catalog_probe");
    auto columns = run(c.ctx, c.data->async_describe_table("dev", ::localaws::testing::workgroup, "public", "catalog_probe", diag));
    ASSERT_TRUE(columns) << diag.to_string();
    ASSERT_EQ(columns->size(), 3u);
    EXPECT_EQ((*columns)[0].type_name, "integer");
    EXPECT_FALSE((*columns)[0].nullable);
    EXPECT_EQ((*columns)[1].type_name, "character varying");
    EXPECT_EQ((*columns)[2].type_name, "numeric");
}

TEST_F(DataApi, StreamsAQuarterMillionTypedRowsPageByPage) {
    constexpr std::int64_t rows = 250'000;
    sql("drop table if exists public.stream_probe");
    sql("create table public.stream_probe as select g::int8 as id, (g * 0.5)::numeric(12,2) as half, "
        "(g / 4.0)::float8 as quarter, (g % 2 = 0) as even, 'r\xc3\xa9' || g::text as label, "
        "date '2026-01-01' + (g % 365) as day, case when g % 10 = 0 then null else g end as sometimes "
        "from generate_series(1, " + std::to_string(rows) + ") g");
    diagnostics diag;
    execute_request request{.sql = "select * from public.stream_probe order by id", .database = "dev",
                            .workgroup = ::localaws::testing::workgroup};
    auto started = run(c.ctx, c.data->async_execute_statement(request, diag));
    ASSERT_TRUE(started) << diag.to_string();
    auto done = run(c.ctx, c.data->async_wait_for(started->id, diag));
    ASSERT_TRUE(done) << diag.to_string();
    EXPECT_EQ(done->result_rows, rows);

    std::int64_t expected_id = 1, pages = 0, mismatches = 0;
    auto total = run(c.ctx, c.data->async_for_each_page(started->id, [&](result_page& page) {
        ++pages;
        for (const auto& r : page.rows) {
            std::int64_t g = expected_id++;
            bool ok = std::get<std::int64_t>(r[0]) == g &&
                      std::get<std::string>(r[1]) == (g % 2 ? std::to_string(g / 2) + ".50" : std::to_string(g / 2) + ".00") &&
                      std::abs(std::get<double>(r[2]) - g / 4.0) < 1e-9 && std::get<bool>(r[3]) == (g % 2 == 0) &&
                      std::get<std::string>(r[4]) == "r\xc3\xa9" + std::to_string(g) &&
                      std::get<std::string>(r[5]).size() == 10 &&
                      (g % 10 == 0 ? std::holds_alternative<null_value>(r[6]) : std::get<std::int64_t>(r[6]) == g);
            mismatches += ok ? 0 : 1;
        }
        return true;
    }, diag));
    ASSERT_TRUE(total) << diag.to_string();
    EXPECT_EQ(*total, rows);
    EXPECT_EQ(mismatches, 0);
    EXPECT_GT(pages, 1);  // the server chose the pages; the stream followed NextToken through all
}

TEST_F(DataApi, GivingUpOnARunningStatementCancelsIt) {
    using namespace asio::experimental::awaitable_operators;
    diagnostics diag;
    execute_request request{.sql = "select pg_sleep(60)", .database = "dev", .workgroup = ::localaws::testing::workgroup};
    auto started = run(c.ctx, c.data->async_execute_statement(request, diag));
    ASSERT_TRUE(started) << diag.to_string();
    int polls = 0;
    run(c.ctx, [&]() -> asio::awaitable<bool> {
        auto give_up = [&]() -> asio::awaitable<void> {
            asio::steady_timer tick(co_await asio::this_coro::executor);
            while (polls < 3) {
                tick.expires_after(std::chrono::milliseconds(5));
                co_await tick.async_wait(asio::use_awaitable);
            }
        };
        const wait_policy policy;
        diagnostics wait_diag;
        co_await (c.data->async_wait_for(started->id, wait_diag, policy, &polls) || give_up());
        co_return true;
    }());
    // The waiter sent CancelStatement; the backend really stops.
    statement_description last;
    for (int i = 0; i < 200; ++i) {
        auto described = run(c.ctx, c.data->async_describe_statement(started->id, diag));
        ASSERT_TRUE(described) << diag.to_string();
        last = *described;
        if (is_terminal(last.status)) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    EXPECT_EQ(last.status, statement_status::aborted);
}

TEST_F(DataApi, FailedSqlCarriesRedshiftsErrorAndTheStatementId) {
    diagnostics diag;
    execute_request request{.sql = "select * from public.no_such_table", .database = "dev",
                            .workgroup = ::localaws::testing::workgroup};
    auto started = run(c.ctx, c.data->async_execute_statement(request, diag));
    ASSERT_TRUE(started) << diag.to_string();
    auto done = run(c.ctx, c.data->async_wait_for(started->id, diag));
    ASSERT_FALSE(done);
    EXPECT_EQ(diag.code, "FAILED");
    EXPECT_NE(diag.message.find("no_such_table"), std::string::npos) << diag.to_string();
    EXPECT_NE(diag.to_string().find(started->id), std::string::npos) << diag.to_string();
}

TEST_F(DataApi, UnknownWorkgroupIsNamed) {
    diagnostics diag;
    execute_request request{.sql = "select 1", .database = "dev", .workgroup = "no-such-workgroup"};
    auto started = run(c.ctx, c.data->async_execute_statement(request, diag));
    ASSERT_FALSE(started);
    EXPECT_NE(diag.to_string().find("no-such-workgroup"), std::string::npos) << diag.to_string();
}
