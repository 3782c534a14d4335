// The PostgreSQL table sink as a library against a real PostgreSQL 15 (a private cluster, one per
// binary): after async_abandon(), while this process lives on, the session is over and the table it
// created is gone; an unfinished sink destroyed (closing without waiting) does the same to an
// existing table's rows; batches of several streams
// written at once all arrive at commit; an existing table that cannot hold the values is refused
// with destination_exists before any row.

#include "engine/scheduler/cpu_pool.hpp"
#include "tests/support/run_until_done.hpp"
#include "tools/localaws/redshift/pg/connection.hpp"
#include "tools/localaws/redshift/testing/test_cluster.hpp"
#include "transfer/extract/postgres_sink.hpp"
#include "transfer/s3/transfer_error.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

namespace asio = boost::asio;
namespace tx = shiftsync::transfer::extract;
namespace rows = shiftsync::transfer::rows;
namespace pg = localaws::redshift::pg;
using shiftsync::testing::run_until_done;

namespace {

localaws::redshift::testing::test_cluster* cluster = nullptr;

std::string conninfo() { return cluster->get().conninfo("postgres"); }
// The sink's connection string, named so its sessions can be found (the cluster's own string names
// itself "localaws", and a connection string's application_name wins over the sink's default).
std::string conninfo_named(const std::string& application) {
    return conninfo() + " application_name=" + application;
}

std::string scalar(const std::string& sql) {
    std::string error;
    auto c = pg::connection::open(conninfo(), error);
    if (!c) return "<" + error + ">";
    pg::command_status status;
    auto r = c->exec(sql, status);
    if (!status) return "<" + status.message + ">";
    return PQntuples(r.get()) ? PQgetvalue(r.get(), 0, 0) : "<no rows>";
}

void run(const std::string& sql) {
    std::string error;
    auto c = pg::connection::open(conninfo(), error);
    ASSERT_TRUE(c) << error;
    ASSERT_EQ(c->run(sql), "");
}

// The sessions of one application_name still open on the server.
int sessions(const std::string& application) {
    return std::stoi(scalar("select count(*) from pg_stat_activity where application_name = '" + application + "'"));
}

bool wait_for_no_sessions(const std::string& application) {
    for (int i = 0; i < 200; ++i) {
        if (sessions(application) == 0) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
}

rows::schema two_columns() {
    rows::column id{"id", "int8", rows::value_kind::integer};
    rows::column v{"v", "varchar", rows::value_kind::text, 20};
    return {id, v};
}

// Rows first … first + n - 1: (id, 'row <id>'), v NULL on every seventh.
std::shared_ptr<rows::row_batch> batch(std::int64_t first, int n) {
    auto b = std::make_shared<rows::row_batch>(2);
    for (std::int64_t id = first; id < first + n; ++id) {
        b->add_value(std::to_string(id));
        if (id % 7 == 0) b->end_null();
        else b->add_value("row " + std::to_string(id));
    }
    return b;
}

// (run_until_done wants a value.)
asio::awaitable<bool> abandon(tx::row_sink& sink) {
    co_await sink.async_abandon();
    co_return true;
}

asio::awaitable<boost::system::result<void>> write_stream(tx::row_sink& sink, std::size_t stream, std::int64_t first,
                                                          int batches, int rows_each) {
    for (int i = 0; i < batches; ++i) {
        auto b = batch(first + static_cast<std::int64_t>(i) * rows_each, rows_each);
        auto written = co_await sink.async_write(stream, std::move(b));
        if (!written) co_return written;
    }
    co_return boost::system::result<void>{};
}

class PostgresSink : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        cluster = new localaws::redshift::testing::test_cluster();
        ASSERT_EQ(cluster->start(), "");
    }
    static void TearDownTestSuite() {
        delete cluster;
        cluster = nullptr;
    }

    asio::io_context ctx;
    shiftsync::engine::cpu_pool pool{2};
};

}  // namespace

TEST_F(PostgresSink, AbandonRollsBackAndTheCreatedTableIsGoneWhileThisProcessLives) {
    auto sink = tx::make_postgres_sink(pool, conninfo_named("sink-test-abandon"), "public", "abandoned");
    ASSERT_TRUE(run_until_done(ctx, sink->async_open(two_columns(), 1))) << sink->failure();
    ASSERT_TRUE(run_until_done(ctx, sink->async_write(0, batch(1, 1000)))) << sink->failure();
    EXPECT_EQ(sessions("sink-test-abandon"), 1);
    EXPECT_EQ(scalar("select to_regclass('public.abandoned') is null"), "t") << "nothing is visible before COMMIT";

    run_until_done(ctx, abandon(*sink));
    EXPECT_TRUE(wait_for_no_sessions("sink-test-abandon")) << "the abandoned session is over";
    EXPECT_EQ(scalar("select to_regclass('public.abandoned') is null"), "t");
    run_until_done(ctx, abandon(*sink));  // again: nothing left to do
    auto late = run_until_done(ctx, sink->async_write(0, batch(1, 10)));
    EXPECT_FALSE(late) << "an abandoned sink takes no rows";
}

TEST_F(PostgresSink, AnUnfinishedSinkDestroyedLeavesAnExistingTableUnchanged) {
    run("create table kept (id bigint, v text); insert into kept values (0, 'before')");
    {
        auto sink = tx::make_postgres_sink(pool, conninfo_named("sink-test-destroyed"), "public", "kept");
        ASSERT_TRUE(run_until_done(ctx, sink->async_open(two_columns(), 1))) << sink->failure();
        ASSERT_TRUE(run_until_done(ctx, sink->async_write(0, batch(1, 500)))) << sink->failure();
        EXPECT_EQ(sessions("sink-test-destroyed"), 1);
    }
    EXPECT_TRUE(wait_for_no_sessions("sink-test-destroyed"));
    EXPECT_EQ(scalar("select count(*) || ' ' || min(v) from kept"), "1 before");
}

TEST_F(PostgresSink, BatchesOfSeveralStreamsAtOnceAllArriveAtCommit) {
    auto sink = tx::make_postgres_sink(pool, conninfo_named("sink-test-streams"), "public", "streams");
    ASSERT_TRUE(run_until_done(ctx, sink->async_open(two_columns(), 3))) << sink->failure();
    constexpr int streams = 3, batches = 20, rows_each = 1000;
    int done = 0;
    bool all_ok = true;
    for (int s = 0; s < streams; ++s) {
        auto task = write_stream(*sink, static_cast<std::size_t>(s), 1 + std::int64_t{s} * batches * rows_each, batches,
                                 rows_each);
        asio::co_spawn(ctx, std::move(task), [&](std::exception_ptr e, boost::system::result<void> r) {
            all_ok = all_ok && !e && r.has_value();
            ++done;
        });
    }
    while (done < streams) {
        if (ctx.stopped()) ctx.restart();
        ctx.run_one();
    }
    ASSERT_TRUE(all_ok) << sink->failure();
    ASSERT_TRUE(run_until_done(ctx, sink->async_commit())) << sink->failure();
    constexpr std::int64_t n = std::int64_t{streams} * batches * rows_each;
    EXPECT_EQ(sink->rows_written(), static_cast<std::uint64_t>(n));
    EXPECT_GT(sink->bytes_written(), static_cast<std::uint64_t>(n) * 8);
    EXPECT_EQ(scalar("select count(*) || ' ' || count(distinct id) || ' ' || sum(id) || ' ' || count(*) filter "
                     "(where v is null) from streams"),
              std::to_string(n) + " " + std::to_string(n) + " " + std::to_string(n * (n + 1) / 2) + " " +
                  std::to_string(n / 7));
    EXPECT_EQ(scalar("select count(*) from streams where v is distinct from 'row ' || id and id % 7 <> 0"), "0");
    EXPECT_TRUE(wait_for_no_sessions("sink-test-streams")) << "the connection is closed after COMMIT";
}

TEST_F(PostgresSink, AnExistingTableThatCannotHoldTheValuesIsRefusedBeforeAnyRow) {
    run("create table small (id int, v varchar(20))");
    auto sink = tx::make_postgres_sink(pool, conninfo_named("sink-test-small"), "public", "small");
    auto opened = run_until_done(ctx, sink->async_open(two_columns(), 1));
    ASSERT_FALSE(opened);
    EXPECT_EQ(opened.error(), shiftsync::transfer::errc::destination_exists);
    EXPECT_NE(sink->failure().find("\"id\" is integer"), std::string::npos) << sink->failure();
    EXPECT_NE(sink->failure().find("int8"), std::string::npos) << sink->failure();
    auto again = run_until_done(ctx, sink->async_write(0, batch(1, 10)));
    EXPECT_FALSE(again) << "a failed sink takes no rows";
    EXPECT_TRUE(wait_for_no_sessions("sink-test-small"));
}

int main(int argc, char** argv) {
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
