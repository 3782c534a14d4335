#pragma once
// Per-operation counters ("s3.GetObject" -> requests, errors by code, bytes, latency), served by
// the admin endpoint. Thread safety: any thread.

#include <boost/json/fwd.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace localaws::admin {

struct operation_counters {
    std::uint64_t requests = 0;
    std::uint64_t bytes_in = 0;
    std::uint64_t bytes_out = 0;
    double latency_ms_total = 0;
    std::map<std::string, std::uint64_t> by_status;  // "200", "403" ...
    std::map<std::string, std::uint64_t> errors;     // "AccessDenied" -> 2
};

class counters {
public:
    void record(const std::string& service, const std::string& operation, int status, const std::string& error_code,
                std::uint64_t bytes_in, std::uint64_t bytes_out, std::chrono::microseconds latency);
    boost::json::value to_json() const;
    void reset();

private:
    mutable std::mutex mutex_;
    std::map<std::string, operation_counters> by_operation_;
};

}  // namespace localaws::admin
