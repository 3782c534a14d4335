#pragma once
// The bridge from the AWS clients to the sync worker's metrics: an aws::call_observer that counts
// every retry and throttling answer into sync_metrics (shiftsync_retries_total,
// shiftsync_throttles_total) and hands the event on to the runner (its event log) when asked to.
// Set it on each service_client the run uses: `client.set_observer(counter)`.
//
// Thread safety: the observer runs on the network thread (service_client's); the counting is
// thread-safe anyway, `forward` runs on that thread.
// Lifetimes: the metrics outlive the observer.

#include "aws/client/call_observer.hpp"
#include "transfer/sync/sync_metrics.hpp"

#include <functional>

namespace shiftsync::transfer::sync {

enum class call_signal { retry, throttle };

class call_counter final : public aws::call_observer {
public:
    using forward_fn = std::function<void(call_signal, const aws::call_event&)>;

    explicit call_counter(sync_metrics& metrics, forward_fn forward = {})
        : metrics_(metrics), forward_(std::move(forward)) {}

    void on_retry(const aws::call_event& event) noexcept override;
    void on_throttle(const aws::call_event& event) noexcept override;

private:
    void pass_on(call_signal signal, const aws::call_event& event) noexcept;

    sync_metrics& metrics_;
    forward_fn forward_;
};

}  // namespace shiftsync::transfer::sync
