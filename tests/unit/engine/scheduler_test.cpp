// The async scheduler pieces on an io_context, no network: task group, memory budget, limiter.
#include "engine/error.hpp"
#include "engine/scheduler/memory_budget.hpp"
#include "engine/scheduler/task_group.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>

#include <gtest/gtest.h>

using namespace shiftsync::engine;
namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

template <class T>
T run(asio::io_context& io, asio::awaitable<T> task) {
    auto future = asio::co_spawn(io, std::move(task), asio::use_future);
    io.run();
    return future.get();
}

asio::awaitable<void> yield_a_few_times(int n) {
    for (int i = 0; i < n; ++i) {
        asio::steady_timer t(co_await asio::this_coro::executor, 0ms);
        co_await t.async_wait(asio::use_awaitable);
    }
}

}  // namespace

TEST(task_group, async_spawn_never_runs_more_than_max_children) {
    asio::io_context io;
    std::size_t running = 0, peak = 0, done = 0;
    auto child = [&]() -> asio::awaitable<void> {
        peak = std::max(peak, ++running);
        co_await yield_a_few_times(3);
        --running;
        ++done;
    };
    auto scenario = [&]() -> asio::awaitable<std::size_t> {
        task_group group(io.get_executor(), 4);
        for (int i = 0; i < 100; ++i) co_await group.async_spawn(child());
        co_await group.async_wait();
        co_return group.peak_running();
    };
    EXPECT_EQ(run(io, scenario()), 4u);
    EXPECT_EQ(peak, 4u);
    EXPECT_EQ(done, 100u);
}

TEST(task_group, cancelling_the_waiter_cancels_the_children_and_still_awaits_them) {
    asio::io_context io;
    int finished_cancelled = 0;
    auto child = [&]() -> asio::awaitable<void> {
        co_await asio::this_coro::throw_if_cancelled(false);
        asio::steady_timer t(co_await asio::this_coro::executor, 1h);
        auto [ec] = co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
        if (ec == asio::error::operation_aborted) ++finished_cancelled;
    };
    bool returned = false;
    auto scenario = [&]() -> asio::awaitable<void> {
        task_group group(io.get_executor(), 8);
        for (int i = 0; i < 5; ++i) group.spawn(child());
        co_await group.async_wait();
        returned = true;
    };
    asio::cancellation_signal stop;
    asio::co_spawn(io, scenario(), asio::bind_cancellation_slot(stop.slot(), asio::detached));
    while (io.poll() > 0) {
    }  // everything runnable has run: the children sleep, the waiter waits
    EXPECT_FALSE(returned);
    stop.emit(asio::cancellation_type::terminal);
    io.run();
    EXPECT_TRUE(returned);
    EXPECT_EQ(finished_cancelled, 5);
}

TEST(task_group, an_exception_in_a_child_is_kept_and_cancels_its_siblings) {
    asio::io_context io;
    auto failing = []() -> asio::awaitable<void> {
        co_await yield_a_few_times(1);
        throw std::runtime_error("boom");
    };
    auto sleeper = []() -> asio::awaitable<void> {
        co_await asio::this_coro::throw_if_cancelled(false);
        asio::steady_timer t(co_await asio::this_coro::executor, 1h);
        co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
    };
    auto scenario = [&]() -> asio::awaitable<bool> {
        task_group group(io.get_executor(), 8);
        group.spawn(sleeper());
        group.spawn(failing());
        co_await group.async_wait();
        co_return group.first_exception() != nullptr;
    };
    EXPECT_TRUE(run(io, scenario()));
}

TEST(memory_budget, reservations_wait_for_released_bytes) {
    asio::io_context io;
    memory_budget budget(io.get_executor(), 10 * 1024 * 1024);
    std::vector<int> order;
    auto part = [&](int id, std::uint64_t bytes) -> asio::awaitable<void> {
        auto reservation = co_await budget.async_reserve(bytes);
        if (!reservation) co_return;
        order.push_back(id);
        co_await yield_a_few_times(2);
    };
    auto scenario = [&]() -> asio::awaitable<std::uint64_t> {
        task_group group(io.get_executor(), 16);
        for (int i = 0; i < 8; ++i) group.spawn(part(i, 4 * 1024 * 1024));
        co_await group.async_wait();
        co_return budget.peak_reserved();
    };
    EXPECT_EQ(run(io, scenario()), 8u * 1024 * 1024);  // two 4 MiB parts at a time, never three
    EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7}));
    EXPECT_EQ(budget.reserved(), 0u);
}

TEST(memory_budget, a_control_reservation_goes_before_queued_bulk_ones) {
    asio::io_context io;
    memory_budget budget(io.get_executor(), 100);
    auto held = budget.try_reserve(100);
    ASSERT_TRUE(held);
    EXPECT_FALSE(budget.try_reserve(1));
    std::vector<std::string> order;
    auto reserve = [&](std::string name, priority p) -> asio::awaitable<void> {
        auto r = co_await budget.async_reserve(60, p);
        if (r) order.push_back(name);
    };
    asio::co_spawn(io, reserve("bulk", priority::bulk), asio::detached);
    asio::co_spawn(io, reserve("control", priority::control), asio::detached);
    while (budget.waiting() < 2) io.run_one();  // both queued, in this order: bulk, then control
    EXPECT_TRUE(order.empty());
    held->reset();
    io.run();
    EXPECT_EQ(order, (std::vector<std::string>{"control", "bulk"}));
}

TEST(async_limiter, a_cancelled_waiter_leaves_the_queue_and_gets_cancelled) {
    asio::io_context io;
    async_limiter limiter(io.get_executor(), 1);
    auto first = limiter.try_acquire(1, priority::normal);
    ASSERT_TRUE(first);
    std::optional<boost::system::error_code> outcome;
    asio::cancellation_signal stop;
    auto waiter = [&]() -> asio::awaitable<void> {
        auto r = co_await limiter.async_acquire(1, priority::normal);
        outcome = r ? boost::system::error_code{} : r.error();
    };
    asio::co_spawn(io, waiter(), asio::bind_cancellation_slot(stop.slot(), asio::detached));
    while (limiter.waiting() < 1) io.run_one();
    EXPECT_EQ(limiter.waiting(), 1u);
    stop.emit(asio::cancellation_type::terminal);
    io.run();
    ASSERT_TRUE(outcome);
    EXPECT_EQ(*outcome, errc::cancelled);
    EXPECT_EQ(limiter.waiting(), 0u);
    first->reset();
    EXPECT_EQ(limiter.in_use(), 0u);
}
