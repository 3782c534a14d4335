#include "engine/pool/pool_state.hpp"

#include <gtest/gtest.h>

using namespace shiftsync::engine;
using namespace std::chrono_literals;
using action = pool_state::action;

namespace {
const pool_state::clock::time_point t0{std::chrono::hours(1)};
}

TEST(pool_state, opens_new_connections_up_to_the_maximum) {
    pool_state pool({.max_connections = 2, .idle_timeout = 30s});
    const auto a = pool.checkout();
    const auto b = pool.checkout();
    EXPECT_EQ(a.what, action::open_new);
    EXPECT_EQ(b.what, action::open_new);
    EXPECT_NE(a.id, b.id);
    EXPECT_EQ(pool.checkout().what, action::no_slot);
    EXPECT_EQ(pool.opening(), 2u);
}

TEST(pool_state, a_failed_open_frees_its_slot) {
    pool_state pool({.max_connections = 1, .idle_timeout = 30s});
    const auto a = pool.checkout();
    pool.on_open_failed(a.id);
    EXPECT_EQ(pool.open_or_opening(), 0u);
    EXPECT_EQ(pool.checkout().what, action::open_new);
}

TEST(pool_state, released_reusable_connections_are_reused_most_recent_first) {
    pool_state pool({.max_connections = 3, .idle_timeout = 30s});
    const auto a = pool.checkout();
    const auto b = pool.checkout();
    pool.on_opened(a.id);
    pool.on_opened(b.id);
    pool.on_released(a.id, true, t0);
    pool.on_released(b.id, true, t0 + 1s);
    const auto next = pool.checkout();
    EXPECT_EQ(next.what, action::reuse);
    EXPECT_EQ(next.id, b.id);
    EXPECT_EQ(pool.checkout().id, a.id);
    EXPECT_EQ(pool.reused_total(), 2u);
    EXPECT_EQ(pool.opened_total(), 2u);
}

TEST(pool_state, a_connection_released_unusable_is_gone_and_its_slot_free) {
    pool_state pool({.max_connections = 1, .idle_timeout = 30s});
    const auto a = pool.checkout();
    pool.on_opened(a.id);
    pool.on_released(a.id, false, t0);
    EXPECT_EQ(pool.idle(), 0u);
    const auto next = pool.checkout();
    EXPECT_EQ(next.what, action::open_new);
    EXPECT_NE(next.id, a.id);
}

TEST(pool_state, trim_removes_only_connections_idle_past_the_timeout) {
    pool_state pool({.max_connections = 3, .idle_timeout = 10s});
    connection_id ids[3];
    for (auto& id : ids) {
        id = pool.checkout().id;
        pool.on_opened(id);
    }
    pool.on_released(ids[0], true, t0);
    pool.on_released(ids[1], true, t0 + 5s);
    pool.on_released(ids[2], true, t0 + 9s);
    EXPECT_TRUE(pool.trim(t0 + 9s).empty());
    EXPECT_EQ(pool.trim(t0 + 15s), (std::vector<connection_id>{ids[0], ids[1]}));
    EXPECT_EQ(pool.idle(), 1u);
    EXPECT_EQ(pool.checkout().id, ids[2]);
}

TEST(pool_state, never_exceeds_the_maximum_under_churn) {
    pool_state pool({.max_connections = 4, .idle_timeout = 1s});
    std::vector<connection_id> busy;
    auto now = t0;
    for (int round = 0; round < 1000; ++round) {
        now += 100ms;
        for (auto id : pool.trim(now)) (void)id;
        auto c = pool.checkout();
        if (c.what == action::open_new) {
            if (round % 7 == 0) {
                pool.on_open_failed(c.id);
            } else {
                pool.on_opened(c.id);
                busy.push_back(c.id);
            }
        } else if (c.what == action::reuse) {
            busy.push_back(c.id);
        }
        if (busy.size() >= 3 || c.what == action::no_slot) {
            pool.on_released(busy.front(), round % 3 != 0, now);
            busy.erase(busy.begin());
        }
        ASSERT_LE(pool.open_or_opening(), 4u);
    }
    EXPECT_LE(pool.peak_open(), 4u);
}

TEST(pool_state, drain_idle_hands_back_every_idle_connection) {
    pool_state pool({.max_connections = 2, .idle_timeout = 30s});
    const auto a = pool.checkout();
    const auto b = pool.checkout();
    pool.on_opened(a.id);
    pool.on_opened(b.id);
    pool.on_released(a.id, true, t0);
    EXPECT_EQ(pool.drain_idle(), std::vector<connection_id>{a.id});
    EXPECT_EQ(pool.busy(), 1u);
}

TEST(pool_state, checkout_fresh_opens_new_and_evicts_the_oldest_idle_at_the_maximum) {
    pool_state pool({.max_connections = 2, .idle_timeout = 30s});
    const auto a = pool.checkout();
    const auto b = pool.checkout();
    pool.on_opened(a.id);
    pool.on_opened(b.id);
    pool.on_released(a.id, true, t0);
    const auto fresh = pool.checkout_fresh();
    EXPECT_EQ(fresh.what, action::open_new);
    EXPECT_EQ(fresh.evicted, a.id);
    EXPECT_EQ(pool.idle(), 0u);
    EXPECT_EQ(pool.checkout_fresh().what, action::no_slot);
}
