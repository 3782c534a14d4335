#include "engine/retry/adaptive_rate_limiter.hpp"

#include <algorithm>
#include <cmath>

namespace shiftsync::engine {

adaptive_rate_limiter::adaptive_rate_limiter(clock::time_point now, adaptive_limiter_config config)
    : config_(config), epoch_(now) {}

double adaptive_rate_limiter::seconds(clock::time_point t) const {
    return std::chrono::duration<double>(t - epoch_).count();
}

void adaptive_rate_limiter::refill(double now) {
    if (fill_rate_ > 0) capacity_ = std::min(max_capacity_, capacity_ + (now - last_refill_) * fill_rate_);
    last_refill_ = now;
}

adaptive_rate_limiter::clock::duration adaptive_rate_limiter::acquire(clock::time_point now_tp) {
    if (!enabled_) return clock::duration::zero();
    const double now = seconds(now_tp);
    refill(now);
    capacity_ -= 1.0;
    if (capacity_ >= 0) return clock::duration::zero();
    const double wait = -capacity_ / fill_rate_;
    return std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(wait));
}

void adaptive_rate_limiter::update_measured_rate(double now) {
    // Sends are counted in half-second buckets; the rate is smoothed across buckets.
    const double bucket = std::floor(now * 2.0) / 2.0;
    requests_in_bucket_ += 1;
    if (bucket > last_rate_bucket_) {
        const double current = requests_in_bucket_ / (bucket - last_rate_bucket_);
        measured_rate_ = current * config_.smoothing + measured_rate_ * (1 - config_.smoothing);
        requests_in_bucket_ = 0;
        last_rate_bucket_ = bucket;
    }
}

void adaptive_rate_limiter::set_fill_rate(double now, double rate) {
    refill(now);
    fill_rate_ = std::max(rate, config_.min_fill_rate);
    max_capacity_ = std::max(rate, config_.min_capacity);
    capacity_ = std::min(capacity_, max_capacity_);
}

void adaptive_rate_limiter::on_response(clock::time_point now_tp, bool throttled) {
    const double now = seconds(now_tp);
    update_measured_rate(now);
    double target = 0;
    if (throttled) {
        const double rate_before = enabled_ ? std::min(measured_rate_, fill_rate_) : measured_rate_;
        last_max_rate_ = rate_before;
        time_window_ = std::cbrt(last_max_rate_ * (1 - config_.beta) / config_.scale);
        last_throttle_ = now;
        target = rate_before * config_.beta;
        if (!enabled_) last_refill_ = now;
        enabled_ = true;
    } else {
        if (!enabled_) return;  // nothing to track until the first throttle
        const double t = now - last_throttle_ - time_window_;
        target = config_.scale * t * t * t + last_max_rate_;
    }
    // Without a known quota, never run ahead of what was actually sent (the SDKs' rule: a rate never
    // tried is not known to be allowed). With one, the quota is the bound: capping at twice the
    // measured rate would pin a quiet client (a few statements a second while its COPYs run) far
    // below its quota, and pace its next burst of short statements at that crawl.
    const double rate = ceiling_ > 0 ? std::min(target, ceiling_) : std::min(target, 2 * measured_rate_);
    set_fill_rate(now, rate);
}

void adaptive_rate_limiter::start_at(clock::time_point now_tp, double rate, double ceiling) {
    const double now = seconds(now_tp);
    enabled_ = true;
    ceiling_ = ceiling;
    last_refill_ = now;
    last_throttle_ = now;
    last_max_rate_ = rate;
    time_window_ = 0;         // on CUBIC's plateau already
    measured_rate_ = rate;    // assume the quota is reachable, so the 2x-measured cap does not pin it low
    last_rate_bucket_ = std::floor(now * 2.0) / 2.0;
    fill_rate_ = std::max(rate, config_.min_fill_rate);
    max_capacity_ = std::max(rate, config_.min_capacity);
    capacity_ = max_capacity_;
}

}  // namespace shiftsync::engine
