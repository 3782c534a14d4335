#pragma once
// Where requests go. One connection pool per endpoint (scheme, host, port).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace shiftsync::engine::http {

enum class scheme : std::uint8_t { http, https };

struct endpoint {
    http::scheme scheme = scheme::https;
    std::string host;  // DNS name or IP literal; also the TLS server name (SNI and verification)
    std::uint16_t port = 443;

    // "https://host:port", the pool key and the metrics label.
    std::string key() const;

    // Parses "http://host[:port]" or "https://host[:port]" (a trailing path, query or fragment is
    // ignored; user info is refused).
    static std::optional<endpoint> parse(std::string_view url);
};

}  // namespace shiftsync::engine::http
