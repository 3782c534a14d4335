#include "engine/error.hpp"
#include "engine/http/request_options.hpp"

#include <boost/system/errc.hpp>

namespace shiftsync::engine::http {

failure_kind default_classifier(const attempt_result& attempt) {
    if (attempt.error) {
        const auto& ec = attempt.error;
        if (is_timeout(ec)) return failure_kind::timeout;
        if (ec == errc::cancelled || ec == errc::tls_verification_failed || ec == errc::bad_endpoint ||
            ec == errc::header_too_large || ec == errc::body_too_large || ec == errc::body_source_failed ||
            ec == errc::body_sink_failed || ec == errc::resolve_failed)
            return failure_kind::fatal;
        // Resets, refused connections, truncated bodies, malformed responses: the network's weather.
        return failure_kind::transient;
    }
    if (!attempt.reply) return failure_kind::fatal;
    const unsigned status = attempt.reply->status;
    if (status == 429) return failure_kind::throttling;
    if (status == 500 || status == 502 || status == 503 || status == 504) return failure_kind::transient;
    return failure_kind::none;
}

}  // namespace shiftsync::engine::http
