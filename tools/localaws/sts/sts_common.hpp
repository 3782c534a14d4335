#pragma once
// Private to sts/: what AssumeRole and AssumeRoleWithWebIdentity share — request validation in
// STS's words, and the Credentials / AssumedRoleUser elements of their answers.

#include "tools/localaws/iam/directory.hpp"
#include "tools/localaws/server/request.hpp"
#include "tools/localaws/server/xml_writer.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace localaws::sts {

inline constexpr std::string_view sts_namespace = "https://sts.amazonaws.com/doc/2011-06-15/";

aws_error validation(std::string message);
service_response xml_ok(std::string body);

// RoleArn and a RoleSessionName of [\w+=,.@-]{2,64}; nullopt when both are fine.
std::optional<aws_error> check_role_and_session(const request_context& ctx);

// DurationSeconds (default 3600) between localaws's floor and 43200; the role's maximum is
// checked by the caller, which knows whether it is a chained session.
std::optional<aws_error> read_duration(const request_context& ctx, long long& seconds);

// <AssumedRoleUser> and <Credentials>.
void write_session(xml_writer& x, const iam::issued_session& s);

}  // namespace localaws::sts
