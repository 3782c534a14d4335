#pragma once
// The socket side of the metadata endpoints (instance_metadata.hpp): reads the request, applies
// faults (service "ec2-metadata" / "container-credentials"), writes the answer, and logs and counts
// it like any other request — without the credentials it carries.

#include "tools/localaws/server/connection.hpp"

namespace localaws::metadata {

// Returns whether the connection may be reused.
boost::asio::awaitable<bool> serve_metadata(app& a, server::connection& c, request_context& ctx);

}  // namespace localaws::metadata
