#pragma once
// Redshift Serverless (JSON 1.1, X-Amz-Target: RedshiftServerless.*): GetCredentials (a database
// password that works on the endpoint, serverless/database.hpp), plus GetWorkgroup and
// ListWorkgroups so clients can discover the endpoint.

namespace localaws {
class app;
void register_serverless(app& a);
}  // namespace localaws
