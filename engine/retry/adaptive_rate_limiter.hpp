#pragma once
// Client-side rate limiting as in the AWS SDKs' "adaptive" retry mode. Unlimited until the first
// throttle; then a token bucket whose fill rate follows a CUBIC curve: cut to beta x the measured
// send rate on a throttle, grow back along scale * (t - K)^3 + last_max_rate between throttles, and
// never above twice the rate actually measured — or, when started at a published quota (start_at),
// never above that quota, however little was sent lately.
//
// Sans-IO: every call takes `now`; `acquire` never sleeps, it returns how long the caller must wait
// (the token is already taken, so concurrent callers queue up in order instead of racing).
// Thread safety: none; one executor.

#include <chrono>

namespace shiftsync::engine {

struct adaptive_limiter_config {
    double beta = 0.7;           // multiplicative decrease on a throttle
    double scale = 0.4;          // CUBIC scale constant
    double smoothing = 0.8;      // weight of the newest sample in the measured send rate
    double min_fill_rate = 0.5;  // requests per second, the floor
    double min_capacity = 1.0;   // tokens
};

class adaptive_rate_limiter {
public:
    using clock = std::chrono::steady_clock;

    explicit adaptive_rate_limiter(clock::time_point now, adaptive_limiter_config config = {});

    // Takes one token. Returns how long to wait before sending (zero when allowed at once).
    clock::duration acquire(clock::time_point now);

    // Reports the outcome of a sent request: throttled or not.
    void on_response(clock::time_point now, bool throttled);

    // Starts limited at a known rate (a service's published quota) instead of unlimited, with a
    // full bucket, and never grows past `ceiling` (0: no ceiling, CUBIC probes upward as usual).
    // Throttles still cut it, and it grows back towards the ceiling.
    void start_at(clock::time_point now, double rate, double ceiling);

    bool enabled() const { return enabled_; }
    double fill_rate() const { return fill_rate_; }          // requests/s while enabled
    double measured_rate() const { return measured_rate_; }  // requests/s actually sent

private:
    double seconds(clock::time_point t) const;
    void refill(double now);
    void update_measured_rate(double now);
    void set_fill_rate(double now, double rate);

    adaptive_limiter_config config_;
    clock::time_point epoch_;
    bool enabled_ = false;
    double fill_rate_ = 0;
    double max_capacity_ = 0;
    double capacity_ = 0;  // may go negative: tokens already promised to waiting callers
    double last_refill_ = 0;
    double measured_rate_ = 0;
    double last_rate_bucket_ = 0;
    double requests_in_bucket_ = 0;
    double last_max_rate_ = 0;
    double last_throttle_ = 0;
    double time_window_ = 0;  // CUBIC's K
    double ceiling_ = 0;      // 0: none
};

}  // namespace shiftsync::engine
