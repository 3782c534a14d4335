#pragma once
// Per-request options: deadlines, priority, where the body goes, how failures are classified,
// which rate limiter applies, what to do to the request before each attempt, and the operation
// name metrics are kept under.

#include "engine/http/body.hpp"
#include "engine/http/message.hpp"
#include "engine/retry/failure_kind.hpp"
#include "engine/retry/retry_policy.hpp"
#include "engine/scheduler/priority.hpp"

#include <boost/asio/awaitable.hpp>
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

// Runs before every attempt, the first included, to finish the request for that attempt: the
// aws/ layer signs here, so each attempt carries a fresh X-Amz-Date and the credentials current at
// that moment (a request signed once and retried late in a long deadline would be refused as
// expired, and would miss credentials refreshed meanwhile).
//   - `req.headers` are reset to the caller's before each call, so a hook adds or replaces headers
//     without ever seeing the previous attempt's (a signature must not sign the last signature).
//     Method, target and body must be left as they are.
//   - A non-zero error_code ends the request at once, without a retry, as async_send's error.
//   - It runs after the rate limiter's wait and before admission to the connection limits: a hook
//     that itself sends through this client (a credentials refresh) never waits on permits its own
//     request holds. Time spent in the hook counts against deadlines.total.
//   - `attempt` counts from 1; the keep-alive race's resend reuses the attempt's prepared request.
// Unset: the request is sent as built, with no copy and no extra step.
using prepare_fn = std::function<boost::asio::awaitable<boost::system::error_code>(request& req, int attempt)>;

struct request_options {
    http::deadlines deadlines{};
    engine::priority priority = engine::priority::normal;
    body_sink sink = string_sink{};
    classifier_fn classify;             // empty: default_classifier
    prepare_fn prepare;                 // empty: no per-attempt step
    std::string limiter_key;            // empty: the endpoint's key
    std::string operation = "request";  // metrics label, e.g. "s3.GetObject"
    std::optional<retry_config> retry;  // empty: the client's
    std::size_t max_header_bytes = 64 * 1024;
    std::uint64_t max_body_bytes = std::uint64_t{1} << 40;
};

}  // namespace shiftsync::engine::http
