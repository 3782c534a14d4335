#pragma once
// Routing table: (service, operation) -> handler.
//
// How a request finds its service: the X-Amz-Target prefix (JSON protocols: "RedshiftData.ListTables"
// -> target_prefix "RedshiftData"), else the SigV4 credential scope's service ("s3", "sts"), else S3.
// The operation is the X-Amz-Target suffix (JSON), the Action parameter (Query), or what the
// service's resolve_operation says (REST: S3 names it from method, path and sub-resources).
//
// Registering a service (e.g. the Data API, from its own library):
//
//   void register_data_api(localaws::registry& r) {
//       r.add_service({.signing_name = "redshift-data", .protocol = localaws::protocol::json_1_1,
//                      .target_prefix = "RedshiftData"});
//       r.add_operation("redshift-data", "ExecuteStatement",
//                       [](localaws::request_context& ctx) -> boost::asio::awaitable<localaws::service_response> {
//                           if (auto denied = ctx.authorize("redshift-data:ExecuteStatement", workgroup_arn))
//                               co_return localaws::service_response::from_error(*denied);
//                           ... parse ctx.body (JSON), co_return a response with a JSON body ...
//                       });
//   }
//
// and call register_data_api(app.services()) before app::run() (tools/localaws/main.cpp). The session
// authenticates the request, applies faults and quotas, logs it and renders errors in the service's
// protocol; the handler only authorises and does the work. Not thread-safe: register before run().

#include "tools/localaws/server/request.hpp"

#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace localaws {

enum class protocol { rest_xml_s3, query_xml, json_1_0, json_1_1 };
enum class body_mode { buffered, streaming };

struct service_definition {
    std::string signing_name;   // the credential scope's service: "redshift-data"
    localaws::protocol protocol = localaws::protocol::json_1_1;
    std::string target_prefix;  // JSON: the X-Amz-Target prefix, "RedshiftData"
    std::string xml_namespace;  // Query: "https://sts.amazonaws.com/doc/2011-06-15/"
    // REST services name their operation from the request (method, path, sub-resources).
    std::function<std::string(const request_context&)> resolve_operation;
    // The region a request must be signed for, when it is not localaws's own for every request
    // (S3: the addressed bucket's region; empty: any region, as for a bucket that does not exist).
    std::function<std::string(const request_context&)> signing_region;
    std::size_t max_buffered_body = 16 * 1024 * 1024;
};

struct operation_entry {
    localaws::handler handler;
    body_mode mode = body_mode::buffered;
    // Served without a signature too (STS AssumeRoleWithWebIdentity: the token is the credential);
    // the handler then sees an anonymous principal.
    bool allow_unsigned = false;
};

class registry {
public:
    void add_service(service_definition service);
    void add_operation(std::string_view service, std::string_view operation, handler h,
                       body_mode mode = body_mode::buffered, bool allow_unsigned = false);

    const service_definition* by_signing_name(std::string_view name) const;
    const service_definition* by_target_prefix(std::string_view prefix) const;
    const operation_entry* find(std::string_view service, std::string_view operation) const;

private:
    std::map<std::string, service_definition, std::less<>> services_;
    std::map<std::string, operation_entry, std::less<>> operations_;  // "service\noperation"
};

}  // namespace localaws
