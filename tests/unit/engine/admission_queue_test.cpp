#include "engine/scheduler/admission_queue.hpp"

#include <gtest/gtest.h>

using namespace shiftsync::engine;
using ids = std::vector<admission_queue::waiter_id>;

TEST(admission_queue, admits_while_capacity_lasts_then_queues) {
    admission_queue q(10);
    EXPECT_TRUE(q.request(1, 6, priority::normal));
    EXPECT_TRUE(q.request(2, 4, priority::normal));
    EXPECT_FALSE(q.request(3, 1, priority::normal));
    EXPECT_EQ(q.in_use(), 10u);
    EXPECT_EQ(q.waiting(), 1u);
    EXPECT_EQ(q.release(4), ids{3});
    EXPECT_EQ(q.in_use(), 7u);
}

TEST(admission_queue, control_waiters_go_before_earlier_bulk_waiters) {
    admission_queue q(1);
    ASSERT_TRUE(q.request(1, 1, priority::bulk));
    EXPECT_FALSE(q.request(2, 1, priority::bulk));
    EXPECT_FALSE(q.request(3, 1, priority::bulk));
    EXPECT_FALSE(q.request(4, 1, priority::control));
    EXPECT_EQ(q.release(1), ids{4});
    EXPECT_EQ(q.release(1), ids{2});
    EXPECT_EQ(q.release(1), ids{3});
}

TEST(admission_queue, a_newcomer_does_not_jump_queued_waiters_of_its_priority) {
    admission_queue q(10);
    ASSERT_TRUE(q.request(1, 8, priority::normal));
    EXPECT_FALSE(q.request(2, 5, priority::normal));  // needs 5, only 2 free
    EXPECT_FALSE(q.request(3, 1, priority::normal));  // would fit, but 2 is ahead
    EXPECT_TRUE(q.request(4, 1, priority::control));  // higher priority, nobody ahead of it
    EXPECT_EQ(q.release(8), (ids{2, 3}));
}

TEST(admission_queue, oversized_requests_are_clamped_and_served_alone) {
    admission_queue q(100);
    EXPECT_TRUE(q.request(1, 1000, priority::normal));
    EXPECT_EQ(q.in_use(), 100u);
    EXPECT_FALSE(q.request(2, 1, priority::normal));
    EXPECT_EQ(q.release(1000), ids{2});
    EXPECT_EQ(q.in_use(), 1u);
}

TEST(admission_queue, cancelling_the_head_admits_those_behind_it) {
    admission_queue q(10);
    ASSERT_TRUE(q.request(1, 5, priority::normal));
    EXPECT_FALSE(q.request(2, 8, priority::normal));
    EXPECT_FALSE(q.request(3, 2, priority::normal));
    EXPECT_EQ(q.cancel(2), ids{3});
    EXPECT_TRUE(q.cancel(42).empty());
    EXPECT_EQ(q.waiting(), 0u);
    EXPECT_EQ(q.peak_in_use(), 7u);
}
