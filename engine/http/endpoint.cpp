#include "engine/http/endpoint.hpp"

#include <charconv>

namespace shiftsync::engine::http {

std::string endpoint::key() const {
    return std::string(scheme == scheme::https ? "https://" : "http://") + host + ":" + std::to_string(port);
}

std::optional<endpoint> endpoint::parse(std::string_view url) {
    endpoint e;
    if (url.starts_with("https://")) {
        e.scheme = scheme::https;
        e.port = 443;
        url.remove_prefix(8);
    } else if (url.starts_with("http://")) {
        e.scheme = scheme::http;
        e.port = 80;
        url.remove_prefix(7);
    } else {
        return std::nullopt;
    }
    // The authority ends at the path, the query or the fragment: "http://h?x" is host h. User
    // info is refused rather than taken for part of the host name (nothing here sends it).
    url = url.substr(0, url.find_first_of("/?#"));
    if (url.find('@') != std::string_view::npos) return std::nullopt;
    const auto colon = url.rfind(':');
    if (colon != std::string_view::npos && url.find(']', colon) == std::string_view::npos) {
        const auto port_text = url.substr(colon + 1);
        unsigned port = 0;
        const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
        if (ec != std::errc{} || end != port_text.data() + port_text.size() || port == 0 || port > 65535)
            return std::nullopt;
        e.port = static_cast<std::uint16_t>(port);
        url = url.substr(0, colon);
    }
    if (url.empty()) return std::nullopt;
    e.host = std::string(url);
    return e;
}

}  // namespace shiftsync::engine::http
