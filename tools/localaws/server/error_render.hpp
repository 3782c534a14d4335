#pragma once
// Renders an aws_error as the service's protocol shapes it:
//   S3:    <Error><Code/><Message/>...details...<RequestId/><HostId/></Error>
//   Query: <ErrorResponse xmlns=...><Error><Type>Sender</Type><Code/><Message/></Error><RequestId/></ErrorResponse>
//   JSON:  {"__type":"Code","message":"..."} with x-amzn-ErrorType

#include "tools/localaws/server/registry.hpp"

namespace localaws {

struct rendered_error {
    std::string content_type;
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
};

rendered_error render_error(const aws_error& e, protocol p, std::string_view xml_namespace, std::string_view request_id);

}  // namespace localaws
