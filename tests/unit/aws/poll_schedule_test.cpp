// The DescribeStatement schedule, without a server: what it learns, when it looks, and what a
// pipeline of statements costs (simulated, in deterministic milliseconds, not measured time).
#include "aws/redshift_data/poll_schedule.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <vector>

namespace {

using namespace shiftsync::aws::redshift_data;

TEST(RunTimeHistory, KeepsTheLastWindowAndAnswersConditionalQuantiles) {
    run_time_history h;
    EXPECT_TRUE(h.empty());
    EXPECT_EQ(h.quantile(0.5), 0);
    for (int i = 1; i <= 100; ++i) h.record(i);
    EXPECT_EQ(h.size(), run_time_history::window);
    EXPECT_EQ(h.quantile(0.0), 37);   // 1..36 fell out of the window
    EXPECT_EQ(h.quantile(1.0), 100);
    EXPECT_EQ(h.quantile(0.5), 68);   // nearest rank 32 of 37..100
    EXPECT_EQ(h.quantile(0.9, 90), 99);  // among 91..100
    EXPECT_EQ(h.quantile(0.9, 100), 0);  // nothing ran longer
}

TEST(PollSchedule, ScoutsLookOnAGrowingScheduleBeforeAnythingIsLearned) {
    const wait_policy policy;
    const run_time_history nothing;
    poll_schedule scout(policy, nothing, true);
    std::vector<double> waits;
    for (int i = 0; i < 4; ++i) {
        auto s = scout.next(0);
        EXPECT_TRUE(s.look);
        waits.push_back(s.sleep_ms);
        scout.missed(0);
    }
    EXPECT_EQ(waits, (std::vector<double>{10, 15, 22.5, 33.75}));
}

TEST(PollSchedule, OthersHoldBackUntilAScoutLearnsThenLookWhenDue) {
    const wait_policy policy;
    run_time_history history;
    poll_schedule waiting(policy, history, false);
    auto held = waiting.next(0);
    EXPECT_FALSE(held.look);
    EXPECT_EQ(held.sleep_ms, 10);

    for (int i = 0; i < 10; ++i) history.record(100);
    auto due = waiting.next(30);  // 30 ms in: first look at 100 x (1.1 + 1/10: only ten seen)
    EXPECT_TRUE(due.look);
    EXPECT_DOUBLE_EQ(due.sleep_ms, 100 * (policy.look_margin + 0.1) - 30);
    EXPECT_EQ(waiting.next(500).sleep_ms, 0);  // already past it: look at once
}

TEST(PollSchedule, AHeldBackWaitStopsWaitingForScoutsAfterItsPatience) {
    const wait_policy policy;
    const run_time_history nothing;
    poll_schedule waiting(policy, nothing, false);
    EXPECT_FALSE(waiting.next(999).look);
    auto s = waiting.next(1000);
    EXPECT_TRUE(s.look);
    EXPECT_TRUE(waiting.scout());
}

TEST(PollSchedule, AfterAMissItAsksTheStatementsThatRanLongerAndBacksOffPastThemAll) {
    const wait_policy policy;
    run_time_history history;
    for (int i = 0; i < 39; ++i) history.record(50);
    history.record(400);  // one slow one in forty
    poll_schedule s(policy, history, false);
    const double margin = policy.look_margin + 1.0 / 40;
    auto first = s.next(0);
    EXPECT_DOUBLE_EQ(first.sleep_ms, 50 * margin);
    s.missed(55);
    EXPECT_DOUBLE_EQ(s.next(55).sleep_ms, 400 * margin - 55);  // the slow one's end
    s.missed(440);
    EXPECT_EQ(s.next(440).sleep_ms, 110);  // longer than anything seen: a quarter of the time waited...
    s.missed(550);
    EXPECT_EQ(s.next(550).sleep_ms, 165);  // ...then growing
}

TEST(PollSchedule, AStatementSeenQueuedIsNotLookedAtAgainBeforeATypicalRun) {
    const wait_policy policy;
    run_time_history history;
    for (int i = 0; i < 20; ++i) history.record(50 + i);  // 50..69
    poll_schedule queued(policy, history, false);
    queued.next(0);
    queued.missed(70, statement_status::picked);
    EXPECT_DOUBLE_EQ(queued.next(70).sleep_ms, history.quantile(0.5));  // 59: its run is still ahead

    poll_schedule running(policy, history, false);
    running.next(0);
    running.missed(70, statement_status::started);
    EXPECT_LT(running.next(70).sleep_ms, history.quantile(0.5));  // started: a short wait
}

TEST(PollSchedule, AnHourLongStatementCostsAboutOneLookPerMaxPoll) {
    const wait_policy policy;
    run_time_history history;
    for (int i = 0; i < 64; ++i) history.record(50);
    poll_schedule s(policy, history, false);
    double elapsed = 0;
    int looks = 0;
    const double hour_ms = 3600e3;
    while (elapsed < hour_ms) {
        elapsed += s.next(elapsed).sleep_ms;
        ++looks;
        s.missed(elapsed);
    }
    EXPECT_LE(looks, static_cast<int>(hour_ms / static_cast<double>(policy.max_poll.count())) + 20);
}

// A pipeline of 2,000 statements, one after another, shaped like localaws's 50 ms statements under
// load: 50 ms plus an exponential tail (mean 8 ms), and 2% queued behind others for 100..200 ms.
// After the first few, nearly every statement costs one look.
TEST(PollSchedule, APipelineOfSimilarStatementsCostsAboutOneLookEach) {
    const wait_policy policy;
    run_time_history history;
    std::uint32_t seed = 12345;
    auto next_random = [&] {  // deterministic LCG: the same statements every run
        seed = seed * 1664525u + 1013904223u;
        return static_cast<double>(seed >> 8) / static_cast<double>(1u << 24);
    };
    int looks_total = 0;
    double overshoot_total = 0;
    const int statements = 2000;
    for (int i = 0; i < statements; ++i) {
        const double run = next_random() < 0.98 ? 50 - 8 * std::log(1 - next_random()) : 100 + 100 * next_random();
        poll_schedule s(policy, history, history.empty());
        double elapsed = 0;
        for (;;) {
            auto step = s.next(elapsed);
            elapsed += step.sleep_ms;
            if (!step.look) continue;
            ++looks_total;
            if (elapsed >= run) break;
            s.missed(elapsed);
        }
        history.record(run);
        overshoot_total += elapsed - run;
    }
    const double looks_per_statement = static_cast<double>(looks_total) / statements;
    EXPECT_LE(looks_per_statement, 1.1) << "DescribeStatement calls per statement";
    EXPECT_GE(looks_per_statement, 1.0);
    EXPECT_LE(overshoot_total / statements, 40) << "mean ms between a statement's end and the look that saw it";
}

// A bulk statement's run time follows its data, not the history: with a history of 5 s COPYs, a
// 0.3 s one and a 40 s one are both seen soon after they end (within 5% of their run time, or the
// 100 ms floor), and a 4 s one costs a few dozen looks, not hundreds.
TEST(PollSchedule, ABulkStatementIsSeenWithinAShareOfItsRunWhateverWasLearned) {
    const wait_policy policy = bulk_wait_policy(wait_policy{});
    run_time_history history;
    for (int i = 0; i < 64; ++i) history.record(5000);
    for (double run : {300.0, 4000.0, 40000.0}) {
        poll_schedule s(policy, history, false);
        double elapsed = 0;
        int looks = 0;
        for (;;) {
            auto step = s.next(elapsed);
            EXPECT_TRUE(step.look);
            EXPECT_LE(step.sleep_ms, std::max(100.0, 0.05 * elapsed) + 1e-9);
            elapsed += step.sleep_ms;
            ++looks;
            if (elapsed >= run) break;
            s.missed(elapsed);
        }
        EXPECT_LE(elapsed - run, std::max(100.0, 0.05 * run) + 1e-9) << "seen late, run " << run << " ms";
        if (run == 4000.0) EXPECT_LE(looks, 45) << "looks for a 4 s COPY";
        EXPECT_LE(looks, 150) << "looks for a " << run << " ms statement";
    }
}

TEST(PollSchedule, ABulkWaitLooksAtLeastEveryMaxPollAndNeverFasterThanItsFloor) {
    wait_policy base;
    base.max_poll = std::chrono::milliseconds(60000);
    const wait_policy policy = bulk_wait_policy(base);
    EXPECT_EQ(policy.max_poll, std::chrono::milliseconds(2000));
    EXPECT_EQ(policy.first_poll, std::chrono::milliseconds(100));
    const run_time_history nothing;
    poll_schedule s(policy, nothing, false);
    EXPECT_EQ(s.next(0).sleep_ms, 100);
    EXPECT_EQ(s.next(3600e3).sleep_ms, 2000);
}

}  // namespace
