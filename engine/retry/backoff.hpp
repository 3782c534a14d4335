#pragma once
// Exponential backoff with "full jitter", as in the AWS SDKs' standard retry mode:
//   delay(i) = uniform(0, 1) * min(cap, base * 2^i)      for the i-th retry (i = 0 for the first)
// Sans-IO: the caller supplies the random number, so tests pin it and the bounds are exact.

#include <chrono>

namespace shiftsync::engine {

struct backoff_config {
    std::chrono::milliseconds base{1000};
    std::chrono::milliseconds cap{20000};
};

// The largest delay retry `retry_index` may wait: min(cap, base * 2^retry_index), overflow-safe.
std::chrono::milliseconds backoff_ceiling(const backoff_config& config, int retry_index);

// `unit_random` is in [0, 1); the result is in [0, backoff_ceiling(...)).
std::chrono::milliseconds full_jitter_delay(const backoff_config& config, int retry_index, double unit_random);

}  // namespace shiftsync::engine
