#include "engine/retry/retry_quota.hpp"

#include <algorithm>

namespace shiftsync::engine {

int retry_quota::try_acquire(failure_kind kind) {
    if (!is_retryable(kind)) return 0;
    const int cost = kind == failure_kind::timeout ? config_.timeout_cost : config_.retry_cost;
    if (cost > available_) return 0;
    available_ -= cost;
    return cost;
}

void retry_quota::on_success(int last_acquired) {
    const int refund = last_acquired > 0 ? last_acquired : config_.success_refund;
    available_ = std::min(config_.capacity, available_ + refund);
}

}  // namespace shiftsync::engine
