#include "engine/http/request_head.hpp"

namespace shiftsync::engine::http {

namespace {
bool framing_header(std::string_view name) {
    return iequals(name, "host") || iequals(name, "content-length") || iequals(name, "connection") ||
           iequals(name, "transfer-encoding");
}

bool method_expects_body(std::string_view method) {
    return method == "POST" || method == "PUT" || method == "PATCH";
}

bool default_port(const endpoint& where) {
    return (where.scheme == scheme::https && where.port == 443) || (where.scheme == scheme::http && where.port == 80);
}
}  // namespace

std::string format_request_head(const request& r, const endpoint& where) {
    std::string head;
    head.reserve(256 + r.target.size() + r.headers.size() * 64);
    head.append(r.method).append(" ").append(r.target).append(" HTTP/1.1\r\nHost: ").append(where.host);
    if (!default_port(where)) head.append(":").append(std::to_string(where.port));
    head.append("\r\n");
    for (const auto& field : r.headers) {
        if (framing_header(field.name)) continue;
        head.append(field.name).append(": ").append(field.value).append("\r\n");
    }
    const auto length = content_length(r.body);
    if (length > 0 || method_expects_body(r.method))
        head.append("Content-Length: ").append(std::to_string(length)).append("\r\n");
    head.append("\r\n");
    return head;
}

}  // namespace shiftsync::engine::http
