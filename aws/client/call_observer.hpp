#pragma once
// What a service_client tells an observer about its calls while they run: each retry it makes and
// each throttling answer it gets. The engine already counts both per endpoint and operation
// (engine::metrics_registry), but only once a request has ended; an observer hears them as they
// happen, with the request id of the answer, so a long-running worker can log and count them live
// (the sync worker feeds its Prometheus counters and its event log from here).
//
// Thread safety: called on the engine client's thread (the network thread), in the middle of a
// request: an observer must be quick and must not throw (the calls are noexcept).
// Lifetimes: held by shared_ptr on the service_client; it outlives every call that reports to it.

#include "engine/retry/failure_kind.hpp"

#include <string_view>

namespace shiftsync::aws {

struct call_event {
    std::string_view service;     // signing name: "redshift-data", "s3", "sts"
    std::string_view operation;   // "ExecuteStatement"
    int attempt = 1;              // on_retry: the attempt about to start (2 for the first retry)
    engine::failure_kind why = engine::failure_kind::none;  // how the previous (or this) attempt failed
    unsigned http_status = 0;     // 0 when the attempt got no answer
    std::string_view request_id;  // of the answer, when there was one; empty otherwise
};

class call_observer {
public:
    virtual ~call_observer() = default;
    // A failed attempt is being retried; `event.why` and `event.request_id` are the failed one's.
    virtual void on_retry(const call_event& event) noexcept = 0;
    // An answer said "slow down" (ThrottlingException, SlowDown, ...), retried or not.
    virtual void on_throttle(const call_event& event) noexcept = 0;
};

}  // namespace shiftsync::aws
