#pragma once
// Private to server/: writes a service_response on a connection, streaming bodies from the
// blocking pool and applying the bandwidth cap and mid-body resets that faults ask for.

#include "tools/localaws/admin/faults.hpp"
#include "tools/localaws/server/connection.hpp"

namespace localaws::server {

struct write_plan {
    int status = 200;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string content_type;
    bool head = false;          // HEAD: headers only (Content-Length still announced)
    bool keep_alive = true;
    std::uint64_t bandwidth_bytes_per_second = 0;
    bool reset_mid_body = false;
};

// Returns the number of body bytes written; `ok` false when the connection must not be reused.
boost::asio::awaitable<std::uint64_t> write_response(app& a, connection& c, service_response& resp,
                                                     const write_plan& plan, bool& ok);

}  // namespace localaws::server
