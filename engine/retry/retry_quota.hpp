#pragma once
// The retry-quota token bucket of the AWS SDKs' "standard" retry mode. Retries spend tokens, successes
// earn a few back; when the bucket runs dry the client stops retrying, so a failing service is not
// hit with (max_attempts x traffic). One bucket per client (the SDKs share it per client, not per call).
//
// Thread safety: none; a client uses it from its one executor.

#include "engine/retry/failure_kind.hpp"

namespace shiftsync::engine {

struct retry_quota_config {
    int capacity = 500;
    int retry_cost = 5;      // a transient or throttling failure
    int timeout_cost = 10;   // a timeout: likelier to mean an overloaded peer, so dearer
    int success_refund = 1;  // a success of a request that needed no retry
};

class retry_quota {
public:
    explicit retry_quota(retry_quota_config config = {}) : config_(config), available_(config.capacity) {}

    // Takes the cost of retrying after `kind`. Returns the tokens taken (> 0), or 0 when the bucket
    // cannot pay: then do not retry.
    int try_acquire(failure_kind kind);

    // A request succeeded. `last_acquired` is what its last retry took (0 if it was never retried):
    // that amount comes back, otherwise `success_refund` does (as the SDKs do). Never above capacity.
    void on_success(int last_acquired);

    int available() const { return available_; }
    int capacity() const { return config_.capacity; }

private:
    retry_quota_config config_;
    int available_;
};

}  // namespace shiftsync::engine
