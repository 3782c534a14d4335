#pragma once
// Per endpoint and operation: requests, outcomes, retries by reason, bytes each way, latency p50/p99.
// Readable from code (`snapshot`) and printable as text (`to_text`). Plain C++, no Asio.
//
// Thread safety: all members may be called from any thread (a mutex; recording is a few adds).

#include "engine/metrics/latency_histogram.hpp"
#include "engine/retry/failure_kind.hpp"

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace shiftsync::engine {

// What one finished request (all its attempts) contributes.
struct request_sample {
    bool succeeded = false;                            // got a final response (any status) rather than an error
    unsigned status = 0;                               // 0 when no response
    std::array<std::uint32_t, 5> retries_by_reason{};  // indexed by failure_kind
    std::uint64_t bytes_sent = 0;
    std::uint64_t bytes_received = 0;
    std::chrono::nanoseconds latency{0};
};

struct operation_stats {
    std::string endpoint;
    std::string operation;
    std::uint64_t requests = 0;
    std::uint64_t errors = 0;  // ended without a response
    std::array<std::uint64_t, 5> retries_by_reason{};
    std::uint64_t bytes_sent = 0;
    std::uint64_t bytes_received = 0;
    latency_histogram latency;

    std::uint64_t retries() const;
};

class metrics_registry {
public:
    void record(std::string_view endpoint, std::string_view operation, const request_sample& sample);

    // A copy of every (endpoint, operation) row, sorted by endpoint then operation.
    std::vector<operation_stats> snapshot() const;

    // One line per row: endpoint operation requests errors retries{reason=n} sent received p50 p99.
    std::string to_text() const;

private:
    mutable std::mutex mutex_;
    std::map<std::pair<std::string, std::string>, operation_stats> rows_;
};

}  // namespace shiftsync::engine
