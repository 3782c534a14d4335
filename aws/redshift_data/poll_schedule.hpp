#pragma once
// When async_wait_for looks at a statement (DescribeStatement), decided without I/O so that it is
// unit-tested without a server.
//
// The aim is one DescribeStatement per statement, soon after the statement ends. A client learns
// how long its statements take at the server (CreatedAt -> UpdatedAt of the last 64 that finished:
// server timestamps, so neither client-side queueing nor clock offsets enter) and looks when nearly
// all of them would have ended: the `look_quantile` of that window, times a margin (wider while
// few have been seen: 1/n more after n statements). After a miss
// at time t it asks the same of the statements that ran longer than t, so a long tail (a busy
// warehouse queueing statements) costs one more look, not a string of short ones; a statement seen
// still queued (SUBMITTED, PICKED) has its whole run ahead, so it is not looked at again before a
// typical run has passed. Past everything
// seen, waits start at a quarter of the time waited so far and grow geometrically up to
// `max_poll`, which bounds what an hour-long statement costs.
//
// Before anything is learned, a few waits ("scouts") look on the fast geometric schedule while the
// others hold their looks until a scout has learned a run time (or `scout_patience` passes), so
// the first wave of a pipeline of a hundred statements costs a few extra calls, not hundreds.

#include "aws/redshift_data/types.hpp"

#include <array>
#include <algorithm>
#include <chrono>
#include <cstddef>

namespace shiftsync::aws::redshift_data {

struct wait_policy;
// For a bulk statement (UNLOAD, COPY, a merge's INSERT … SELECT): its run time follows its data, which
// no history of other statements knows (a full refresh's COPY runs for minutes where the last
// incremental one took a second), so it is looked at every 5% of the time waited so far, from 100 ms
// up to 2 s: its end is seen 2.5% late on average (0.1 s of a 4 s COPY, where the learned single look
// or a 1.2× back-off cost 0.4–2 s), for ≤ 10 DescribeStatements a second while it is young and
// about one per max_poll once it is old (an hour-long COPY: ~1,800).
wait_policy bulk_wait_policy(wait_policy base);

struct wait_policy {
    std::chrono::milliseconds first_poll{10};  // the shortest wait; a scout's first one
    std::chrono::milliseconds max_poll{5000};  // the longest wait between two looks
    double growth = 1.5;                       // each wait after a miss is this much longer than the last
    double look_quantile = 0.95;               // look when this share of comparable statements had ended...
    double look_margin = 1.1;                  // ...times this
    int cold_start_scouts = 2;                 // waits that look early while nothing is learned yet
    std::chrono::milliseconds scout_patience{1000};  // then the others stop holding back
    std::chrono::milliseconds timeout{std::chrono::hours(24)};
    // > 0: look every this share of the time waited (between first_poll and max_poll), whatever was
    // learned — bulk_wait_policy's schedule.
    double look_share = 0;
};

inline wait_policy bulk_wait_policy(wait_policy base) {
    base.look_share = 0.05;
    base.first_poll = std::max(base.first_poll, std::chrono::milliseconds(100));
    base.max_poll = std::max(base.first_poll, std::min(base.max_poll, std::chrono::milliseconds(2000)));
    return base;
}

// The run times of the last `window` statements that finished, in milliseconds.
class run_time_history {
public:
    static constexpr std::size_t window = 64;

    void record(double run_ms);
    std::size_t size() const { return count_; }
    bool empty() const { return count_ == 0; }
    // The q-quantile (0..1), nearest rank, of the run times longer than `above_ms`; 0 when none is.
    double quantile(double q, double above_ms = -1) const;

private:
    std::array<double, window> ring_{};
    std::size_t count_ = 0;
    std::size_t next_ = 0;
};

// One wait's schedule. Times are milliseconds since the wait began.
class poll_schedule {
public:
    struct step {
        double sleep_ms;  // sleep this long, then...
        bool look;        // ...look (DescribeStatement), or just ask `next` again (a held-back wait)
    };

    poll_schedule(const wait_policy& policy, const run_time_history& history, bool scout);

    step next(double elapsed_ms);
    // A look at `elapsed_ms` saw the statement not yet ended, in status `seen`.
    void missed(double elapsed_ms, statement_status seen = statement_status::started);

    bool scout() const { return scout_; }
    int looks() const { return looks_; }

private:
    double clamp_wait(double ms) const;
    double geometric_step();

    const wait_policy& policy_;
    const run_time_history& history_;
    bool scout_;
    int looks_ = 0;
    double last_look_ms_ = 0;
    bool seen_queued_ = false;
    double gap_ms_ = 0;  // the wait after a miss beyond every run time seen, growing
};

}  // namespace shiftsync::aws::redshift_data
