#pragma once
// The Data API's JSON 1.1 face: `X-Amz-Target: RedshiftData.<Operation>` plus the request body,
// in; the response body (or an api_error) out. The server's whole job for this service is:
//
//   auto out = localaws::data_api::dispatch_body(engine, operation, who, body);   // on a worker thread
//   out ? respond(200, std::move(out.value()))
//       : respond(out.error().http_status, {"__type": code, "message": message, ...extra});
//
// dispatch() gives the same responses as values (for tests and in-process callers).
//
// Members of the body are checked against the model's types (SerializationException-free: a wrong
// type is a ValidationException). Unknown operations give UnknownOperationException.

#include <boost/json/object.hpp>

#include <string>
#include <string_view>

#include "tools/localaws/data_api/statement_engine.hpp"

namespace localaws::data_api {

result<boost::json::object> dispatch(statement_engine& engine, std::string_view operation, const caller& who,
                                     const boost::json::object& body);

// The same, serialized: the body to send. GetStatementResult(V2) pages are written as text directly
// (about a megabyte each), never built as values; this is what the server should call.
result<std::string> dispatch_body(statement_engine& engine, std::string_view operation, const caller& who,
                                  const boost::json::object& body);

}  // namespace localaws::data_api
