#pragma once
// The admin endpoint, /_localaws/..., unauthenticated (localaws listens on loopback only):
//   GET    /_localaws/health                  {"status":"ok"}
//   GET    /_localaws/counters                per-operation counters; DELETE resets them
//   GET    /_localaws/faults                  the fault rules (admin/faults.hpp); PUT replaces them
//                                             with the JSON array in the body; DELETE clears them
//   GET    /_localaws/clock                   {"offset_seconds":N}; PUT sets it (see server/app.hpp),
//                                             and moves the database passwords' expiries with it
//   GET    /_localaws/postgres                the workgroup endpoint: {"address","port","ca"}

#include "tools/localaws/server/connection.hpp"

namespace localaws::server {

// Returns whether the connection may be reused.
boost::asio::awaitable<bool> serve_admin(app& a, connection& c, request_context& ctx);

}  // namespace localaws::server
