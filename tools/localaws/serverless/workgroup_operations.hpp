#pragma once
// GetWorkgroup and ListWorkgroups, shaped as botocore's redshift-serverless model says: the
// caller's account's workgroups, each with its endpoint (the database's, serverless/database.hpp)
// when localaws has one. Neither blocks.

#include "tools/localaws/server/request.hpp"

namespace localaws::serverless {

service_response get_workgroup(request_context& ctx);
service_response list_workgroups(request_context& ctx);

}  // namespace localaws::serverless
