#include "transfer/s3/buffer_pool.hpp"

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

namespace ts = shiftsync::transfer::s3;

TEST(buffer_pool, a_released_buffer_serves_the_next_part_of_its_size) {
    boost::asio::io_context ctx;
    shiftsync::engine::memory_budget budget(ctx.get_executor(), 64 << 20);
    ts::buffer_pool pool(budget);
    auto first = pool.take(8 << 20);
    const char* memory = first->data();
    first->resize(8 << 20);
    first.reset();
    EXPECT_EQ(pool.idle_bytes() >= (8u << 20), true);
    auto second = pool.take(8 << 20);
    EXPECT_EQ(second->data(), memory);
    EXPECT_TRUE(second->empty());
    EXPECT_EQ(pool.idle_bytes(), 0u);
}

TEST(buffer_pool, a_much_larger_idle_buffer_is_not_handed_to_a_small_part) {
    boost::asio::io_context ctx;
    shiftsync::engine::memory_budget budget(ctx.get_executor(), 64 << 20);
    ts::buffer_pool pool(budget);
    pool.take(16 << 20).reset();
    auto small = pool.take(2 << 20);
    EXPECT_LT(small->capacity(), 3u << 20);
}

TEST(buffer_pool, idle_buffers_give_way_to_buffers_in_use) {
    boost::asio::io_context ctx;
    shiftsync::engine::memory_budget budget(ctx.get_executor(), 16 << 20);
    ts::buffer_pool pool(budget);
    pool.take(8 << 20).reset();
    pool.take(4 << 20).reset();
    EXPECT_GE(pool.idle_bytes(), 12u << 20);
    auto first = pool.take(6 << 20);   // fits neither idle buffer: 6 in use + 12 idle > 16
    EXPECT_LE(pool.idle_bytes(), 10u << 20);
    auto second = pool.take(9 << 20);  // 15 in use: no room left for idle buffers
    EXPECT_EQ(pool.idle_bytes(), 0u);
}
