#include "transfer/sync/call_counter.hpp"

namespace shiftsync::transfer::sync {

void call_counter::on_retry(const aws::call_event& event) noexcept {
    metrics_.add_retries();
    pass_on(call_signal::retry, event);
}

void call_counter::on_throttle(const aws::call_event& event) noexcept {
    metrics_.add_throttles();
    pass_on(call_signal::throttle, event);
}

void call_counter::pass_on(call_signal signal, const aws::call_event& event) noexcept {
    if (!forward_) return;
    // The observer runs inside the engine's request loop: a log line that fails (bad_alloc) must
    // not end the request, so it is dropped.
    try {
        forward_(signal, event);
    } catch (...) {
    }
}

}  // namespace shiftsync::transfer::sync
