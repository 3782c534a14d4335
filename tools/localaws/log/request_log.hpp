#pragma once
// The JSON-lines request log: one line per request, written when the response is done:
//   {"time":"2026-11-28T14:00:00.123Z","request_id":"...","service":"s3","operation":"GetObject",
//    "principal":"arn:aws:sts::...","status":200,"error":"","bytes_in":0,"bytes_out":1048576,
//    "latency_ms":1.9,"actions":["s3:GetObject"]}
// Never secrets: no keys, tokens, signatures or bodies. Thread safety: any thread.

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

namespace localaws::log {

struct request_record {
    std::chrono::system_clock::time_point time;
    std::string request_id, service, operation, principal, error_code;
    int status = 0;
    std::uint64_t bytes_in = 0, bytes_out = 0;
    std::chrono::microseconds latency{0};
    std::vector<std::string> actions;  // IAM actions checked; "!" marks a denied one
};

class request_log {
public:
    explicit request_log(const std::filesystem::path& path);  // empty path: no log
    ~request_log();
    request_log(const request_log&) = delete;
    request_log& operator=(const request_log&) = delete;

    void write(const request_record& r);

private:
    std::mutex mutex_;
    std::FILE* file_ = nullptr;
};

}  // namespace localaws::log
