// Many requests at once, priorities, and per-operation cancellation over real sockets.
#include "engine/error.hpp"
#include "engine/scheduler/task_group.hpp"
#include "test_support.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>

namespace shiftsync::engine::testing {
namespace {

using concurrency = loopback;

TEST_F(concurrency, a_thousand_concurrent_requests_never_open_more_than_the_configured_connections) {
    constexpr std::size_t max_connections = 8;
    http::client c(io.get_executor(), fast_config(max_connections));
    int succeeded = 0;
    auto fan_out = [&]() -> asio::awaitable<void> {
        // A named lambda: its closure must outlive the coroutines it creates (the group's wait
        // guarantees that), which a temporary's would not.
        auto request_one = [&]() -> asio::awaitable<void> {
            auto where = server_endpoint();
            auto req = get("/sleep?ms=1&size=64");
            const auto options = short_deadlines();
            auto r = co_await c.async_send(std::move(where), std::move(req), options);
            if (r && r->status == 200 && r->body == pattern(64)) ++succeeded;
        };
        task_group group(io.get_executor(), 1000);
        for (int i = 0; i < 1000; ++i) group.spawn(request_one());
        co_await group.async_wait();
    };
    run(io, fan_out());
    EXPECT_EQ(succeeded, 1000);
    EXPECT_EQ(server.requests(), 1000u);
    EXPECT_LE(server.peak_open(), static_cast<std::int64_t>(max_connections));
    EXPECT_LE(c.stats(server_endpoint()).peak_open, max_connections);
    EXPECT_GE(c.stats(server_endpoint()).reused_total, 1000u - max_connections);
}

TEST_F(concurrency, control_requests_overtake_queued_bulk_requests) {
    http::client c(io.get_executor(), fast_config(1));
    std::vector<std::string> finished;
    auto scenario = [&]() -> asio::awaitable<void> {
        task_group group(io.get_executor(), 16);
        auto one = [&](std::string name, priority p) -> asio::awaitable<void> {
            auto options = short_deadlines();
            options.priority = p;
            auto where = server_endpoint();
            auto req = get("/sleep?ms=200");
            auto r = co_await c.async_send(std::move(where), std::move(req), options);
            if (r) finished.push_back(name);
        };
        for (int i = 0; i < 5; ++i) group.spawn(one("bulk" + std::to_string(i), priority::bulk));
        // Let the bulk requests queue behind the single connection (bulk0 holds it for 200 ms, far
        // longer than this pause even on a loaded machine), then ask for control work.
        asio::steady_timer pause(io, 10ms);
        co_await pause.async_wait(asio::use_awaitable);
        group.spawn(one("control", priority::control));
        co_await group.async_wait();
    };
    run(io, scenario());
    ASSERT_EQ(finished.size(), 6u);
    EXPECT_EQ(finished[0], "bulk0");    // already on the connection
    EXPECT_EQ(finished[1], "control");  // ahead of bulk1..bulk4, which queued earlier
}

TEST_F(concurrency, cancelling_a_request_closes_its_connection_and_leaves_nothing_running) {
    http::client c(io.get_executor(), fast_config());
    asio::cancellation_signal cancel;
    std::optional<boost::system::result<http::response>> outcome;
    asio::co_spawn(io, c.async_send(server_endpoint(), get("/stall-body?size=100000"), short_deadlines()),
                   asio::bind_cancellation_slot(cancel.slot(), [&](std::exception_ptr, auto r) { outcome = r; }));
    asio::steady_timer later(io, 200ms);
    later.async_wait([&](auto) { cancel.emit(asio::cancellation_type::terminal); });
    io.run();  // returns only when no operation is left: the proof that nothing was left behind
    ASSERT_TRUE(outcome.has_value());
    ASSERT_FALSE(*outcome);
    EXPECT_EQ(outcome->error(), errc::cancelled);
    EXPECT_EQ(c.stats(server_endpoint()).open, 0u);
    EXPECT_EQ(c.stats(server_endpoint()).idle, 0u);
}

TEST_F(concurrency, a_request_raced_against_a_timer_is_cancelled_and_the_pool_stays_usable) {
    using namespace asio::experimental::awaitable_operators;
    http::client c(io.get_executor(), fast_config(1));
    auto scenario = [&]() -> asio::awaitable<bool> {
        asio::steady_timer timer(io, 150ms);
        const auto options = short_deadlines();
        auto slow = get("/slow-headers?ms=5000");
        auto slow_where = server_endpoint();
        auto winner = co_await (c.async_send(std::move(slow_where), std::move(slow), options) ||
                                timer.async_wait(asio::use_awaitable));
        if (winner.index() != 1) co_return false;
        // The only connection slot was freed by the cancellation: the next request gets it.
        auto ok = get("/ok");
        auto ok_where = server_endpoint();
        auto r = co_await c.async_send(std::move(ok_where), std::move(ok), options);
        co_return r && r->status == 200;
    };
    EXPECT_TRUE(run(io, scenario()));
    EXPECT_EQ(server.accepted(), 2u);
}

TEST_F(concurrency, cancelling_a_task_group_cancels_every_child_request) {
    http::client c(io.get_executor(), fast_config(4));
    int cancelled = 0;
    auto scenario = [&]() -> asio::awaitable<void> {
        auto request_one = [&]() -> asio::awaitable<void> {
            auto where = server_endpoint();
            auto req = get("/slow-headers?ms=10000");
            const auto options = short_deadlines();
            auto r = co_await c.async_send(std::move(where), std::move(req), options);
            if (!r && r.error() == errc::cancelled) ++cancelled;
        };
        task_group group(io.get_executor(), 64);
        for (int i = 0; i < 10; ++i) group.spawn(request_one());
        asio::steady_timer pause(io, 100ms);
        co_await pause.async_wait(asio::use_awaitable);
        group.cancel();
        co_await group.async_wait();
    };
    run(io, scenario());
    EXPECT_EQ(cancelled, 10);  // 4 on connections, 6 waiting for a slot: all cancelled
    EXPECT_EQ(c.stats(server_endpoint()).open, 0u);
}

}  // namespace
}  // namespace shiftsync::engine::testing
