#pragma once
// Per-request options: deadlines, priority, where the body goes, how failures are classified,
// which rate limiter applies, and the operation name metrics are kept under.

#include "engine/http/body.hpp"
#include "engine/http/message.hpp"
#include "engine/retry/failure_kind.hpp"
#include "engine/retry/retry_policy.hpp"
#include "engine/scheduler/priority.hpp"

#include <boost/system/error_code.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace shiftsync::engine::http {

// Every network step has a deadline. `total` bounds the whole request, all attempts and backoffs
// included; each step's own deadline is cut short by what remains of it.
struct deadlines {
    std::chrono::milliseconds connect{10'000};
    std::chrono::milliseconds tls_handshake{10'000};
    std::chrono::milliseconds first_byte{60'000};  // request fully sent -> response header received
    std::chrono::milliseconds idle{30'000};        // no byte moved either way while sending or receiving a body
    std::chrono::milliseconds total{15 * 60'000};
};

// What one attempt produced, for the classifier: an error, or a response (whose body is readable
// when the sink was a string_sink).
struct attempt_result {
    boost::system::error_code error;
    const response* reply = nullptr;
};

// Decides retryability. The default (default_classifier) knows transport errors and HTTP status;
// the aws/ layer supplies one that also reads AWS error codes.
using classifier_fn = std::function<failure_kind(const attempt_result&)>;

failure_kind default_classifier(const attempt_result& attempt);

struct request_options {
    http::deadlines deadlines{};
    engine::priority priority = engine::priority::normal;
    body_sink sink = string_sink{};
    classifier_fn classify;             // empty: default_classifier
    std::string limiter_key;            // empty: the endpoint's key
    std::string operation = "request";  // metrics label, e.g. "s3.GetObject"
    std::optional<retry_config> retry;  // empty: the client's
    std::size_t max_header_bytes = 64 * 1024;
    std::uint64_t max_body_bytes = std::uint64_t{1} << 40;
};

}  // namespace shiftsync::engine::http
