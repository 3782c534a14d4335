// engine/pg's connection against a real PostgreSQL 15 (a private cluster this binary starts, reached
// over its Unix socket as the superuser).
#include "engine/pg/pg_connection.hpp"
#include "tools/localaws/redshift/testing/test_cluster.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <gtest/gtest.h>

#include <future>

namespace asio = boost::asio;
namespace pg = shiftsync::engine::pg;

namespace {

localaws::redshift::testing::test_cluster* cluster = nullptr;

class cluster_environment : public ::testing::Environment {
public:
    void SetUp() override {
        cluster = new localaws::redshift::testing::test_cluster();
        auto why = cluster->start();
        ASSERT_TRUE(why.empty()) << why;
    }
    void TearDown() override {
        delete cluster;
        cluster = nullptr;
    }
};

pg::connect_params superuser() {
    return {{{"host", cluster->get().socket_dir().string()}, {"dbname", "postgres"}, {"user", cluster->get().superuser()}}};
}

// Runs `body` on `io` to its end and returns what it returned.
template <class T>
T run(asio::io_context& io, asio::awaitable<T> body) {
    std::optional<T> out;
    asio::co_spawn(io, std::move(body), [&](std::exception_ptr e, T value) {
        if (e) std::rethrow_exception(e);
        out = std::move(value);
    });
    io.restart();
    io.run();
    return std::move(*out);
}

asio::awaitable<std::shared_ptr<pg::connection>> open_connection(pg::sync_mode sync) {
    pg::pg_diagnostics diag;
    auto executor = co_await asio::this_coro::executor;
    auto params = superuser();
    params.sync = sync;
    auto c = co_await pg::connection::async_connect(executor, std::move(params), diag);
    if (!c) throw std::runtime_error("connect: " + diag.to_string());
    co_return *c;
}

asio::awaitable<std::shared_ptr<pg::connection>> open_connection() { return open_connection(pg::sync_mode::per_statement); }

// (SQL as string_view: a std::string made from a literal inside co_await would be a temporary
// with a destructor there, which GCC 12 miscompiles.)
asio::awaitable<pg::statement_result> must(pg::connection& c, std::string_view sql, std::vector<pg::parameter> params) {
    pg::pg_diagnostics diag;
    std::string text(sql);
    auto r = co_await c.async_execute(std::move(text), std::move(params), diag);
    if (!r) throw std::runtime_error(r.error().message() + ": " + diag.to_string());
    co_return std::move(*r);
}

// Without parameters (an overload: a defaulted class-type argument inside co_await is one of
// GCC 12's coroutine miscompilations).
asio::awaitable<pg::statement_result> must(pg::connection& c, std::string_view sql) {
    std::vector<pg::parameter> none;
    return must(c, sql, std::move(none));
}

// A statement expected to fail: its error and the server's words.
asio::awaitable<boost::system::error_code> fails(pg::connection& c, std::string_view sql, pg::pg_diagnostics& diag) {
    std::vector<pg::parameter> none;
    std::string text(sql);
    auto r = co_await c.async_execute(std::move(text), std::move(none), diag);
    co_return r ? boost::system::error_code{} : r.error();
}

TEST(PgConnection, RunsAStatementWithParametersAndNulls) {
    asio::io_context io;
    auto result = run(io, [&]() -> asio::awaitable<pg::statement_result> {
        auto c = co_await open_connection();
        std::vector<pg::parameter> params{std::string("41"), std::nullopt, std::string("it's")};
        co_return co_await must(*c, "select $1::int + 1 as answer, $2::text as nothing, $3::text as quoted", std::move(params));
    }());
    ASSERT_EQ(result.columns.size(), 3u);
    EXPECT_EQ(result.columns[0].name, "answer");
    EXPECT_EQ(result.columns[0].type_oid, 23u);  // int4
    ASSERT_EQ(result.rows.size(), 1u);
    EXPECT_EQ(result.rows[0][0], std::optional<std::string>("42"));
    EXPECT_EQ(result.rows[0][1], std::nullopt);
    EXPECT_EQ(result.rows[0][2], std::optional<std::string>("it's"));
    EXPECT_EQ(result.command_tag, "SELECT 1");
}

// Waits for `all_done` (cancelled by the last statement to finish), but at most a minute: a statement
// that never completes fails the test instead of hanging it.
asio::awaitable<void> wait_for_all(asio::steady_timer& all_done) {
    auto executor = co_await asio::this_coro::executor;
    asio::steady_timer give_up(executor, std::chrono::minutes(1));
    give_up.async_wait([&all_done](boost::system::error_code ec) {
        if (!ec) all_done.cancel();
    });
    boost::system::error_code ignored;
    co_await all_done.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
    give_up.cancel();
}

// A spawned statement's end: an exception fails the test and ends the wait (it would hang it).
auto reported(asio::steady_timer& all_done) {
    return [&all_done](std::exception_ptr e) {
        if (!e) return;
        try {
            std::rethrow_exception(e);
        } catch (const std::exception& x) {
            ADD_FAILURE() << "a pipelined statement failed: " << x.what();
        }
        all_done.cancel();
    };
}

// One of many statements in flight at once: `select i * 2`, its answer into got[i].
asio::awaitable<void> doubled(pg::connection& c, int i, std::vector<std::string>& got, std::size_t& finished,
                              asio::steady_timer& all_done) {
    std::vector<pg::parameter> p{std::to_string(i)};
    auto r = co_await must(c, "select $1::int * 2", std::move(p));
    got[static_cast<std::size_t>(i)] = *r.rows.at(0).at(0);
    if (++finished == got.size()) all_done.cancel();
}

void a_thousand_pipelined_statements_return_in_order(pg::sync_mode sync) {
    asio::io_context io;
    constexpr int count = 1000;
    auto answers = run(io, [&]() -> asio::awaitable<std::vector<std::string>> {
        auto c = co_await open_connection(sync);
        std::vector<std::string> got(count);
        std::size_t most_in_flight = 0, finished = 0;
        auto executor = co_await asio::this_coro::executor;
        asio::steady_timer all_done(executor, asio::steady_timer::time_point::max());
        for (int i = 0; i < count; ++i) {
            asio::co_spawn(executor, doubled(*c, i, got, finished, all_done), reported(all_done));
        }
        co_await asio::post(executor, asio::use_awaitable);  // each spawned statement has been sent
        most_in_flight = c->in_flight();
        co_await wait_for_all(all_done);
        EXPECT_EQ(finished, got.size()) << c->in_flight() << " statements still in flight after a minute";
        if (finished != got.size()) c->close();  // ends them (connection_lost), so the test ends
        // Statements were sent while earlier ones still waited for results: the pipeline held many.
        EXPECT_GT(most_in_flight, 100u);
        co_return got;
    }());
    for (int i = 0; i < count; ++i) ASSERT_EQ(answers[static_cast<std::size_t>(i)], std::to_string(i * 2)) << i;
}

TEST(PgConnection, AThousandPipelinedStatementsReturnInOrderOnOneConnection) {
    a_thousand_pipelined_statements_return_in_order(pg::sync_mode::per_statement);
}

TEST(PgConnection, AThousandPipelinedStatementsReturnInOrderWithOneSyncPerBurst) {
    a_thousand_pipelined_statements_return_in_order(pg::sync_mode::per_burst);
}

// One statement of a burst: its outcome into `out`.
asio::awaitable<void> outcome_of(pg::connection& c, std::string sql, boost::system::error_code& out,
                                 std::size_t& finished, std::size_t expected, asio::steady_timer& all_done) {
    pg::pg_diagnostics diag;
    std::vector<pg::parameter> none;
    auto r = co_await c.async_execute(std::move(sql), std::move(none), diag);
    out = r ? boost::system::error_code{} : r.error();
    if (++finished == expected) all_done.cancel();
}

TEST(PgConnection, WithOneSyncPerBurstAFailureAbortsTheRestOfItsBurstOnly) {
    asio::io_context io;
    run(io, [&]() -> asio::awaitable<int> {
        auto c = co_await open_connection(pg::sync_mode::per_burst);
        auto executor = co_await asio::this_coro::executor;
        const std::vector<std::string> burst{"select 1", "select * from no_such_table", "select 3"};
        std::vector<boost::system::error_code> got(burst.size());
        std::size_t finished = 0;
        asio::steady_timer all_done(executor, asio::steady_timer::time_point::max());
        for (std::size_t i = 0; i < burst.size(); ++i)
            asio::co_spawn(executor, outcome_of(*c, burst[i], got[i], finished, burst.size(), all_done),
                           reported(all_done));
        co_await wait_for_all(all_done);
        EXPECT_EQ(finished, burst.size()) << c->in_flight() << " statements still in flight after a minute";
        if (finished != burst.size()) c->close();
        EXPECT_FALSE(got[0]) << got[0].message();
        EXPECT_EQ(got[1], make_error_code(pg::errc::statement_failed));
        EXPECT_EQ(got[2], make_error_code(pg::errc::pipeline_aborted));
        EXPECT_EQ(c->in_flight(), 0u);  // the burst's Sync is not a statement
        auto after = co_await must(*c, "select 7");  // the next burst runs
        EXPECT_EQ(after.rows.at(0).at(0), std::optional<std::string>("7"));
        co_return 0;
    }());
}

// The backend `pid`'s state in pg_stat_activity once it is no longer "active" ("idle", "gone"), or
// "active" after 10 s: a cancel is asked for, not waited for.
asio::awaitable<std::string> state_once_not_active(pg::connection& watcher, std::string_view pid) {
    auto executor = co_await asio::this_coro::executor;
    std::string state = "active";
    for (int i = 0; i < 200 && state == "active"; ++i) {
        std::vector<pg::parameter> p{std::string(pid)};
        auto r = co_await must(watcher, "select coalesce((select state from pg_stat_activity where pid = $1::int), 'gone')",
                               std::move(p));
        state = *r.rows.at(0).at(0);
        asio::steady_timer pause(executor, std::chrono::milliseconds(50));
        co_await pause.async_wait(asio::use_awaitable);
    }
    co_return state;
}

// A batch's statements, each with its parameters (a helper outside the coroutines: no braced
// temporaries inside a co_await).
std::vector<pg::statement> batch_of(std::vector<std::pair<std::string, std::vector<pg::parameter>>> items) {
    std::vector<pg::statement> out;
    for (auto& [sql, params] : items) out.push_back({std::move(sql), std::move(params)});
    return out;
}

TEST(PgConnection, ABatchReturnsEveryOutcomeInOrderAndAFailureAbortsTheRestOfIt) {
    asio::io_context io;
    run(io, [&]() -> asio::awaitable<int> {
        auto c = co_await open_connection();
        co_await must(*c, "create temporary table batch_rows (n int)");
        auto ok = batch_of({{"select $1::int * 2", {std::string("21")}},
                            {"select $1::text, $2::text", {std::nullopt, std::string("b")}},
                            {"insert into batch_rows values (1), (2)", {}}});
        auto got = co_await c->async_execute_batch(std::move(ok));
        EXPECT_EQ(got.size(), 3u);
        for (const auto& o : got) EXPECT_TRUE(o.result) << o.result.error().message() << ": " << o.diag.to_string();
        if (got.size() == 3 && got[0].result && got[1].result && got[2].result) {
            EXPECT_EQ(got[0].result->rows.at(0).at(0), std::optional<std::string>("42"));
            EXPECT_EQ(got[1].result->rows.at(0).at(0), std::nullopt);
            EXPECT_EQ(got[1].result->rows.at(0).at(1), std::optional<std::string>("b"));
            EXPECT_EQ(got[2].result->command_tag, "INSERT 0 2");
        }
        // One implicit transaction per batch: the failure rolls back the insert before it.
        auto failing = batch_of({{"insert into batch_rows values (3)", {}},
                                 {"select * from no_such_table", {}},
                                 {"select 3", {}}});
        auto bad = co_await c->async_execute_batch(std::move(failing));
        EXPECT_EQ(bad.size(), 3u);
        if (bad.size() == 3) {
            EXPECT_TRUE(bad[0].result);
            EXPECT_EQ(bad[1].result.error(), make_error_code(pg::errc::statement_failed));
            EXPECT_EQ(bad[1].diag.sqlstate, "42P01");
            EXPECT_EQ(bad[2].result.error(), make_error_code(pg::errc::pipeline_aborted));
        }
        EXPECT_EQ(c->in_flight(), 0u);
        auto rows = co_await must(*c, "select count(*) from batch_rows");
        EXPECT_EQ(rows.rows.at(0).at(0), std::optional<std::string>("2"));
        // An explicit transaction inside a batch, and an empty batch.
        auto explicit_txn = batch_of({{"begin", {}}, {"insert into batch_rows values (4)", {}}, {"commit", {}}});
        auto committed = co_await c->async_execute_batch(std::move(explicit_txn));
        for (const auto& o : committed) EXPECT_TRUE(o.result) << o.diag.to_string();
        std::vector<pg::statement> nothing;
        auto none = co_await c->async_execute_batch(std::move(nothing));
        EXPECT_TRUE(none.empty());
        rows = co_await must(*c, "select count(*) from batch_rows");
        EXPECT_EQ(rows.rows.at(0).at(0), std::optional<std::string>("3"));
        co_return 0;
    }());
}

// `batches` batches of 50 `select i * 3` and as many single statements, all in flight at once.
TEST(PgConnection, BatchesAndSingleStatementsInFlightTogetherEachGetTheirOwnAnswers) {
    asio::io_context io;
    constexpr int batches = 20, per_batch = 50;
    run(io, [&]() -> asio::awaitable<int> {
        auto c = co_await open_connection();
        auto executor = co_await asio::this_coro::executor;
        asio::steady_timer all_done(executor, asio::steady_timer::time_point::max());
        std::vector<std::string> singles(batches);
        std::size_t finished = 0, expected = 2 * batches;
        int wrong = 0;
        auto one_batch = [&](int b) -> asio::awaitable<void> {
            std::vector<pg::statement> statements;
            for (int i = 0; i < per_batch; ++i)
                statements.push_back({"select $1::int * 3", {std::to_string(b * per_batch + i)}});
            auto got = co_await c->async_execute_batch(std::move(statements));
            for (int i = 0; i < per_batch; ++i) {
                const auto& o = got.at(static_cast<std::size_t>(i));
                if (!o.result || o.result->rows.at(0).at(0) != std::to_string(3 * (b * per_batch + i))) ++wrong;
            }
            if (++finished == expected) all_done.cancel();
        };
        auto one_single = [&](int b) -> asio::awaitable<void> {
            std::vector<pg::parameter> p{std::to_string(b)};
            auto r = co_await must(*c, "select $1::int * 2", std::move(p));
            singles[static_cast<std::size_t>(b)] = *r.rows.at(0).at(0);
            if (++finished == expected) all_done.cancel();
        };
        for (int b = 0; b < batches; ++b) {
            asio::co_spawn(executor, one_batch(b), reported(all_done));
            asio::co_spawn(executor, one_single(b), reported(all_done));
        }
        co_await wait_for_all(all_done);
        EXPECT_EQ(finished, expected) << c->in_flight() << " statements still in flight after a minute";
        if (finished != expected) c->close();
        EXPECT_EQ(wrong, 0);
        for (int b = 0; b < batches; ++b) EXPECT_EQ(singles[static_cast<std::size_t>(b)], std::to_string(2 * b));
        co_return 0;
    }());
}

TEST(PgConnection, ACancelledBatchIsCancelledOnTheServerAndTheConnectionGoesOn) {
    asio::io_context io;
    run(io, [&]() -> asio::awaitable<int> {
        auto c = co_await open_connection();
        auto watcher = co_await open_connection();
        const std::string pid = std::to_string(c->server_pid());
        auto executor = co_await asio::this_coro::executor;
        asio::cancellation_signal stop;
        asio::steady_timer deadline(executor, std::chrono::milliseconds(300));
        deadline.async_wait([&](boost::system::error_code) { stop.emit(asio::cancellation_type::terminal); });
        auto sleepy = batch_of({{"select 1", {}}, {"select pg_sleep(60)", {}}, {"select pg_sleep(60)", {}}});
        auto sleeping = c->async_execute_batch(std::move(sleepy));
        auto until_stopped = asio::bind_cancellation_slot(stop.slot(), asio::use_awaitable);
        auto got = co_await asio::co_spawn(executor, std::move(sleeping), until_stopped);
        EXPECT_EQ(got.size(), 3u);
        for (const auto& o : got) EXPECT_EQ(o.result.error(), make_error_code(pg::errc::cancelled));
        std::string state = co_await state_once_not_active(*watcher, pid);
        EXPECT_NE(state, "active") << "the cancelled batch still runs on the server";
        // One cancel request stopped the batch (the second pg_sleep was aborted, not run for 60 s).
        auto after = co_await must(*c, "select 'still here'");
        EXPECT_EQ(after.rows.at(0).at(0), std::optional<std::string>("still here"));
        co_return 0;
    }());
}

TEST(PgConnection, AFailingStatementFailsAloneWithTheServersWords) {
    asio::io_context io;
    run(io, [&]() -> asio::awaitable<int> {
        auto c = co_await open_connection();
        pg::pg_diagnostics diag;
        auto bad = co_await fails(*c, "select * from no_such_table", diag);
        EXPECT_EQ(bad, make_error_code(pg::errc::statement_failed));
        EXPECT_EQ(diag.sqlstate, "42P01");
        EXPECT_NE(diag.message.find("no_such_table"), std::string::npos) << diag.message;
        auto after = co_await must(*c, "select 7");
        EXPECT_EQ(after.rows.at(0).at(0), std::optional<std::string>("7"));
        co_return 0;
    }());
}

TEST(PgConnection, StreamsALargeResultRowByRow) {
    asio::io_context io;
    std::uint64_t seen = 0, sum = 0, columns = 0;
    auto result = run(io, [&]() -> asio::awaitable<pg::statement_result> {
        auto c = co_await open_connection();
        pg::row_sink sink{[&](const std::vector<pg::column>& cs) { columns = cs.size(); },
                          [&](const pg::row& r) {
                              ++seen;
                              sum += std::stoull(*r.at(0));
                              return true;
                          }};
        pg::pg_diagnostics diag;
        std::string sql = "select g, repeat('x', 100) from generate_series(1, 200000) g";
        std::vector<pg::parameter> none;
        auto r = co_await c->async_execute(std::move(sql), std::move(none), std::move(sink), diag);
        if (!r) throw std::runtime_error(diag.to_string());
        co_return std::move(*r);
    }());
    EXPECT_EQ(columns, 2u);
    EXPECT_EQ(seen, 200000u);
    EXPECT_EQ(sum, 200000ull * 200001ull / 2);
    EXPECT_TRUE(result.rows.empty());
    EXPECT_EQ(result.row_count, 200000u);
}

TEST(PgConnection, ACancelledStatementIsCancelledOnTheServer) {
    asio::io_context io;
    run(io, [&]() -> asio::awaitable<int> {
        auto c = co_await open_connection();
        auto watcher = co_await open_connection();
        const std::string pid = std::to_string(c->server_pid());
        auto executor = co_await asio::this_coro::executor;
        asio::cancellation_signal stop;
        asio::steady_timer deadline(executor, std::chrono::milliseconds(300));
        deadline.async_wait([&](boost::system::error_code) { stop.emit(asio::cancellation_type::terminal); });
        pg::pg_diagnostics diag;
        auto sleeping = fails(*c, "select pg_sleep(60)", diag);
        auto until_stopped = asio::bind_cancellation_slot(stop.slot(), asio::use_awaitable);
        auto slept = co_await asio::co_spawn(executor, std::move(sleeping), until_stopped);
        EXPECT_EQ(slept, make_error_code(pg::errc::cancelled));
        std::string state = co_await state_once_not_active(*watcher, pid);
        EXPECT_NE(state, "active") << "the cancelled pg_sleep still runs on the server";
        // The connection goes on serving.
        auto after = co_await must(*c, "select 'still here'");
        EXPECT_EQ(after.rows.at(0).at(0), std::optional<std::string>("still here"));
        co_return 0;
    }());
}

TEST(PgConnection, TheNetworkThreadKeepsServingWhileAStatementRuns) {
    asio::io_context io;
    run(io, [&]() -> asio::awaitable<int> {
        auto c = co_await open_connection();
        auto executor = co_await asio::this_coro::executor;
        int ticks = 0;
        bool statement_done = false;
        int ticks_when_done = -1;
        auto ticker = [&]() -> asio::awaitable<void> {
            for (; ticks < 200 && !statement_done; ++ticks) {
                asio::steady_timer t(executor, std::chrono::milliseconds(1));
                co_await t.async_wait(asio::use_awaitable);
            }
        };
        asio::co_spawn(executor, ticker(), asio::detached);
        co_await must(*c, "select pg_sleep(2)");
        statement_done = true;
        ticks_when_done = ticks;
        // 200 one-millisecond timers on the same thread finished while the 2 s statement ran.
        EXPECT_EQ(ticks_when_done, 200);
        co_return 0;
    }());
}

TEST(PgConnection, AServerThatEndsTheSessionFailsWhatIsInFlightAndLaterCalls) {
    asio::io_context io;
    run(io, [&]() -> asio::awaitable<int> {
        auto c = co_await open_connection();
        auto killer = co_await open_connection();
        std::vector<pg::parameter> p{std::to_string(c->server_pid())};
        co_await must(*killer, "select pg_terminate_backend($1::int)", std::move(p));
        pg::pg_diagnostics diag;
        auto r = co_await fails(*c, "select 1", diag);
        EXPECT_TRUE(r);
        EXPECT_FALSE(c->is_open());
        auto later = co_await fails(*c, "select 1", diag);
        EXPECT_EQ(later, make_error_code(pg::errc::closed));
        co_return 0;
    }());
}

TEST(PgConnection, AnUnreachableServerIsAClearConnectError) {
    asio::io_context io;
    run(io, [&]() -> asio::awaitable<int> {
        pg::pg_diagnostics diag;
        auto executor = co_await asio::this_coro::executor;
        pg::connect_params nowhere{{{"host", "127.0.0.1"}, {"port", "1"}, {"dbname", "x"}, {"user", "x"}}};
        auto c = co_await pg::connection::async_connect(executor, std::move(nowhere), diag);
        EXPECT_EQ(c.error(), make_error_code(pg::errc::connect_failed));
        EXPECT_NE(diag.message.find("refused"), std::string::npos) << diag.message;
        co_return 0;
    }());
}

}  // namespace

int main(int argc, char** argv) {
    ::testing::InitGoogleTest(&argc, argv);
    ::testing::AddGlobalTestEnvironment(new cluster_environment);
    return RUN_ALL_TESTS();
}
