#include "engine/error.hpp"

#include <string>

namespace shiftsync::engine {

namespace {
class category final : public boost::system::error_category {
public:
    const char* name() const noexcept override { return "shiftsync.engine"; }
    std::string message(int value) const override {
        switch (static_cast<errc>(value)) {
            case errc::connect_timeout:
                return "connect timed out";
            case errc::tls_handshake_timeout:
                return "TLS handshake timed out";
            case errc::first_byte_timeout:
                return "no response within the first-byte deadline";
            case errc::idle_timeout:
                return "connection idle past the idle deadline";
            case errc::request_timeout:
                return "request exceeded its total deadline";
            case errc::cancelled:
                return "request cancelled";
            case errc::header_too_large:
                return "response header exceeds the limit";
            case errc::body_too_large:
                return "response body exceeds the limit";
            case errc::truncated_body:
                return "connection closed before the end of the body";
            case errc::body_source_failed:
                return "request body source failed";
            case errc::body_sink_failed:
                return "response body sink failed";
            case errc::bad_response:
                return "malformed HTTP response";
            case errc::resolve_failed:
                return "host name did not resolve";
            case errc::tls_verification_failed:
                return "TLS certificate verification failed";
            case errc::bad_endpoint:
                return "invalid endpoint";
        }
        return "unknown engine error";
    }
};
}  // namespace

const boost::system::error_category& engine_category() noexcept {
    static const category instance;
    return instance;
}

bool is_timeout(const boost::system::error_code& ec) noexcept {
    if (ec.category() != engine_category()) return false;
    switch (static_cast<errc>(ec.value())) {
        case errc::connect_timeout:
        case errc::tls_handshake_timeout:
        case errc::first_byte_timeout:
        case errc::idle_timeout:
        case errc::request_timeout:
            return true;
        default:
            return false;
    }
}

}  // namespace shiftsync::engine
