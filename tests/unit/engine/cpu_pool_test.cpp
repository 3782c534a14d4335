// engine::cpu_pool: work runs on a pool thread and the awaiting coroutine resumes on its own
// executor's thread with the result; many at once all come back.
#include "engine/scheduler/cpu_pool.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <gtest/gtest.h>

#include <memory>
#include <thread>

namespace asio = boost::asio;
using shiftsync::engine::cpu_pool;

namespace {

struct where_and_what {
    std::thread::id worked_on;
    int value = 0;
};

asio::awaitable<bool> one_job(cpu_pool& pool, int n, std::thread::id home) {
    auto owned = std::make_shared<int>(n);  // captured state outlives the hop both ways
    auto job = [owned] { return where_and_what{std::this_thread::get_id(), *owned * 2}; };
    auto got = co_await pool.async_run(std::move(job));
    co_return got.value == n * 2 && got.worked_on != home && std::this_thread::get_id() == home;
}

asio::awaitable<int> many_jobs(cpu_pool& pool, int count) {
    const auto home = std::this_thread::get_id();
    int good = 0;
    for (int i = 0; i < count; ++i)
        if (co_await one_job(pool, i, home)) ++good;
    co_return good;
}

}  // namespace

TEST(cpu_pool, runs_work_away_and_resumes_at_home) {
    asio::io_context io;
    cpu_pool pool(2);
    auto future = asio::co_spawn(io, many_jobs(pool, 200), asio::use_future);
    io.run();
    EXPECT_EQ(future.get(), 200);
}

TEST(cpu_pool, keeps_the_context_running_while_work_is_away) {
    asio::io_context io;
    cpu_pool pool(1);
    auto slow = [] {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        return 7;
    };
    auto task = [&]() -> asio::awaitable<int> { co_return co_await pool.async_run(std::move(slow)); };
    auto future = asio::co_spawn(io, task(), asio::use_future);
    io.run();  // returns only once the result is back: the work guard kept it busy
    EXPECT_EQ(future.get(), 7);
}
