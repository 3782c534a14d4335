#pragma once
// A request to send and the response that came back. Plain C++: the aws/ layer builds these and
// reads them without seeing Beast.

#include "engine/http/body.hpp"
#include "engine/http/header_list.hpp"

#include <cstdint>
#include <string>

namespace shiftsync::engine::http {

struct request {
    std::string method = "GET";
    std::string target = "/";  // path and query, exactly as sent (already percent-encoded)
    header_list headers;       // Host, Content-Length and Connection are added by the client
    body_source body;
};

struct response {
    unsigned status = 0;
    std::string reason;
    header_list headers;
    std::string body;              // filled only with a string_sink
    std::uint64_t body_bytes = 0;  // delivered to the sink, whatever it was
    int attempts = 0;              // attempts made, including the successful one
};

}  // namespace shiftsync::engine::http
