#pragma once
// Private to serverless/: Redshift Serverless's JSON 1.1 answers and its request validation, in
// AWS's words.

#include "tools/localaws/server/request.hpp"

#include <boost/json.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace localaws::serverless {

inline aws_error validation(std::string message) {
    return {400, "ValidationException", std::move(message), {}, true};
}

inline aws_error not_found(std::string message) {
    return {400, "ResourceNotFoundException", std::move(message), {}, true};
}

inline service_response json_ok(const boost::json::object& o) {
    service_response r;
    r.body = boost::json::serialize(o);
    r.add_header("Content-Type", "application/x-amz-json-1.1");
    return r;
}

// The request body as an object ({} when empty); nullopt when it is not one.
std::optional<boost::json::object> request_object(const std::string& body);

// A string member, empty when absent or not a string.
std::string string_member(const boost::json::object& in, std::string_view key);

// WorkgroupName's model constraints (3 to 64 of [a-z0-9-]), checked as AWS checks them: before IAM.
std::optional<aws_error> check_workgroup_name(const std::string& name, std::string_view member);

}  // namespace localaws::serverless
