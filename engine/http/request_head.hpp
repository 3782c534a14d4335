#pragma once
// The request line and header block as sent on the wire. Pure: unit-tested without a socket.
// The client owns framing: it writes Host, Content-Length (when there is a body, or the method
// usually carries one) and drops any caller-supplied Host/Content-Length/Connection/
// Transfer-Encoding, so a request can never be framed two ways.

#include "engine/http/endpoint.hpp"
#include "engine/http/message.hpp"

#include <string>

namespace shiftsync::engine::http {

std::string format_request_head(const request& r, const endpoint& where);

}  // namespace shiftsync::engine::http
