#include "transfer/endpoint/endpoint_address.hpp"

#include <charconv>

namespace shiftsync::transfer::endpoint {

std::string endpoint_address::to_string() const {
    bool ipv6 = host.find(':') != std::string::npos;
    return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::optional<endpoint_address> parse_endpoint_address(std::string_view text, std::string& why) {
    endpoint_address out;
    std::string_view port;
    if (text.starts_with('[')) {
        auto close = text.find(']');
        if (close == std::string_view::npos) {
            why = "an IPv6 address needs its closing ']'";
            return std::nullopt;
        }
        out.host = std::string(text.substr(1, close - 1));
        std::string_view rest = text.substr(close + 1);
        if (!rest.empty()) {
            if (rest.front() != ':') {
                why = "expected ':PORT' after ']'";
                return std::nullopt;
            }
            port = rest.substr(1);
            if (port.empty()) {
                why = "the port after ':' is missing";
                return std::nullopt;
            }
        }
    } else {
        auto colon = text.rfind(':');
        if (colon != std::string_view::npos && text.find(':') != colon) {
            why = "an IPv6 address goes in brackets: [ADDRESS]:PORT";
            return std::nullopt;
        }
        out.host = std::string(text.substr(0, colon));
        if (colon != std::string_view::npos) {
            port = text.substr(colon + 1);
            if (port.empty()) {
                why = "the port after ':' is missing";
                return std::nullopt;
            }
        }
    }
    if (out.host.empty()) {
        why = "the host is empty";
        return std::nullopt;
    }
    if (out.host.find_first_of(" /@?#") != std::string::npos) {
        why = "a host name has no spaces, '/', '@', '?' or '#'";
        return std::nullopt;
    }
    if (!port.empty()) {
        unsigned value = 0;
        auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
        if (ec != std::errc{} || end != port.data() + port.size() || value == 0 || value > 65535) {
            why = "the port must be a number from 1 to 65535";
            return std::nullopt;
        }
        out.port = static_cast<std::uint16_t>(value);
    }
    return out;
}

std::optional<std::string> account_of_arn(std::string_view arn) {
    // arn:partition:service:region:account:resource
    std::size_t start = 0;
    for (int field = 0; field < 4; ++field) {
        auto colon = arn.find(':', start);
        if (colon == std::string_view::npos) return std::nullopt;
        start = colon + 1;
    }
    if (!arn.starts_with("arn:")) return std::nullopt;
    auto end = arn.find(':', start);
    if (end == std::string_view::npos) return std::nullopt;
    std::string_view account = arn.substr(start, end - start);
    if (account.size() != 12) return std::nullopt;
    for (char c : account)
        if (c < '0' || c > '9') return std::nullopt;
    return std::string(account);
}

endpoint_address derived_endpoint(std::string_view workgroup, std::string_view account, std::string_view region) {
    std::string domain = region.starts_with("cn-") ? "amazonaws.com.cn" : "amazonaws.com";
    endpoint_address out;
    out.host = std::string(workgroup) + "." + std::string(account) + "." + std::string(region) +
               ".redshift-serverless." + domain;
    return out;
}

}  // namespace shiftsync::transfer::endpoint
