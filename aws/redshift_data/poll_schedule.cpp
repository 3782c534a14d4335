#include "aws/redshift_data/poll_schedule.hpp"

#include <algorithm>
#include <cmath>

namespace shiftsync::aws::redshift_data {

void run_time_history::record(double run_ms) {
    ring_[next_] = run_ms;
    next_ = (next_ + 1) % window;
    count_ = std::min(count_ + 1, window);
}

double run_time_history::quantile(double q, double above_ms) const {
    // 64 values at most: a copy and a partial sort cost far less than the DescribeStatement they save.
    std::array<double, window> longer{};
    std::size_t n = 0;
    for (std::size_t i = 0; i < count_; ++i)
        if (ring_[i] > above_ms) longer[n++] = ring_[i];
    if (n == 0) return 0;
    auto rank = static_cast<std::size_t>(std::ceil(std::clamp(q, 0.0, 1.0) * static_cast<double>(n)));
    auto nth = longer.begin() + static_cast<std::ptrdiff_t>(std::max<std::size_t>(rank, 1) - 1);
    std::nth_element(longer.begin(), nth, longer.begin() + static_cast<std::ptrdiff_t>(n));
    return *nth;
}

poll_schedule::poll_schedule(const wait_policy& policy, const run_time_history& history, bool scout)
    : policy_(policy), history_(history), scout_(scout) {}

double poll_schedule::clamp_wait(double ms) const {
    return std::clamp(ms, static_cast<double>(policy_.first_poll.count()), static_cast<double>(policy_.max_poll.count()));
}

double poll_schedule::geometric_step() {
    // The first step is a quarter of the time already waited: a statement that has run for t is
    // likely to need a good part of t more, so looking again after a few milliseconds is waste.
    gap_ms_ = gap_ms_ == 0 ? clamp_wait(last_look_ms_ * 0.25) : clamp_wait(gap_ms_ * policy_.growth);
    return gap_ms_;
}

poll_schedule::step poll_schedule::next(double elapsed_ms) {
    if (policy_.look_share > 0) return {clamp_wait(elapsed_ms * policy_.look_share), true};
    if (!history_.empty()) {
        // When nearly all statements that ran at least as long as this one has had ended. A
        // held-back wait whose look is already due looks at once.
        const double above = looks_ == 0 ? -1 : last_look_ms_;
        // The fewer statements seen, the less their quantile says: widen the margin while the
        // history is thin (a pipeline's first wave, which also runs slower than later ones).
        const double margin = policy_.look_margin + 1.0 / static_cast<double>(history_.size());
        const double likely_end = history_.quantile(policy_.look_quantile, above) * margin;
        // Seen still queued: its whole run is ahead of it, so not before a typical run from then.
        const double earliest = looks_ == 0 ? 0.0
                                : last_look_ms_ + (seen_queued_ ? clamp_wait(history_.quantile(0.5)) : clamp_wait(0));
        if (likely_end > 0) {
            const double at = std::max(likely_end, earliest);
            return {std::min(std::max(0.0, at - elapsed_ms), static_cast<double>(policy_.max_poll.count())), true};
        }
        // Longer than anything seen: back off.
        return {std::max(geometric_step(), earliest - elapsed_ms), true};
    }
    if (!scout_ && looks_ == 0 && elapsed_ms >= static_cast<double>(policy_.scout_patience.count())) scout_ = true;
    if (scout_ || looks_ > 0) return {geometric_step(), true};
    return {static_cast<double>(policy_.first_poll.count()), false};  // hold back; check for history again soon
}

void poll_schedule::missed(double elapsed_ms, statement_status seen) {
    ++looks_;
    last_look_ms_ = elapsed_ms;
    seen_queued_ = seen == statement_status::submitted || seen == statement_status::picked;
}

}  // namespace shiftsync::aws::redshift_data
