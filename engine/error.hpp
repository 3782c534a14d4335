#pragma once
// The engine's own error codes. Transport failures keep their system/asio codes (connection_reset,
// eof, ...); these name what only the engine knows: which deadline expired, which limit was hit,
// whether a response was cut short. Plain C++ (Boost.System only).

#include <boost/system/error_code.hpp>

#include <type_traits>

namespace shiftsync::engine {

enum class errc {
    connect_timeout = 1,      // TCP connect took longer than deadlines.connect
    tls_handshake_timeout,    // deadlines.tls_handshake
    first_byte_timeout,       // no response header within deadlines.first_byte after the request was sent
    idle_timeout,             // no progress (read or write) within deadlines.idle
    request_timeout,          // the whole request (all attempts and backoffs) exceeded deadlines.total
    cancelled,                // the caller cancelled the operation
    header_too_large,         // the response header exceeded the configured limit
    body_too_large,           // the response body exceeded the configured limit
    truncated_body,           // the connection ended before the body did
    body_source_failed,       // the request body could not be read (file, producer)
    body_sink_failed,         // the response body could not be delivered (file, consumer)
    bad_response,             // the peer did not speak HTTP/1.1
    resolve_failed,           // the host name did not resolve
    tls_verification_failed,  // the peer's certificate chain or host name did not verify
    bad_endpoint,             // unknown scheme, empty host
};

const boost::system::error_category& engine_category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept {
    return {static_cast<int>(e), engine_category()};
}

// Timeouts are one class for retrying (they cost more retry quota).
bool is_timeout(const boost::system::error_code& ec) noexcept;

}  // namespace shiftsync::engine

template <>
struct boost::system::is_error_code_enum<shiftsync::engine::errc> : std::true_type {};
