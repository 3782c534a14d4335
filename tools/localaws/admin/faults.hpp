#pragma once
// Scripted misbehaviour, per service and operation: latency (fixed + jitter), a per-connection
// bandwidth cap, injected errors at a rate (503 SlowDown, 500 InternalError, ThrottlingException),
// connection resets mid-body, CompleteMultipartUpload answering 200 with an error body, and
// request-rate quotas answered with the protocol's throttling error.
//
// Rules come from the config's "faults" array and from the admin endpoint (PUT /_localaws/faults).
// Every rule whose service and operation match ("*" matches all) applies; the first rule that
// injects an error wins. `count` limits how many times a rule fires (-1: forever), so a test can ask
// for "the next two UploadParts fail" and know exactly what happens.
//
// Thread safety: any thread.

#include <boost/json/fwd.hpp>

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace localaws::admin {

struct fault_rule {
    std::string service = "*";
    std::string operation = "*";
    std::chrono::milliseconds latency{0};
    std::chrono::milliseconds jitter{0};
    std::uint64_t bandwidth_bytes_per_second = 0;  // 0: unlimited
    double error_rate = 0;
    std::string error = "InternalError";  // SlowDown | InternalError | ThrottlingException | ServiceUnavailable
    double reset_rate = 0;                // connection reset halfway through the response body
    double complete_error_rate = 0;       // S3 CompleteMultipartUpload: 200 with an <Error> body
    double quota_per_second = 0;          // 0: no quota; else a token bucket of that rate (burst = rate)
    long long count = -1;                 // how many times errors/resets fire; -1: unlimited

    // Token bucket state for quotas.
    double tokens = 0;
    std::chrono::steady_clock::time_point refilled{};
};

enum class injected { none, error, throttled };

struct fault_decision {
    std::chrono::milliseconds delay{0};
    std::uint64_t bandwidth_bytes_per_second = 0;
    injected kind = injected::none;
    std::string error;  // the error's name when kind == error
    bool reset_mid_body = false;
    bool complete_with_error = false;
};

class faults {
public:
    // Replaces all rules. Returns false (and says why) on a malformed rule list.
    bool set(const boost::json::value& rules, std::string& error);
    void clear();
    boost::json::value to_json() const;

    fault_decision decide(std::string_view service, std::string_view operation);

    // The latency of the first rule naming exactly this service and operation ("*" rules do not
    // count); zero when there is none. For holds that are not requests (a statement's start).
    std::chrono::milliseconds exact_latency(std::string_view service, std::string_view operation) const;

private:
    mutable std::mutex mutex_;
    std::vector<fault_rule> rules_;
    std::mt19937_64 random_{std::random_device{}()};
};

}  // namespace localaws::admin
