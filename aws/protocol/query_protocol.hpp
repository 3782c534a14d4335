#pragma once
// The AWS Query protocol (STS): a form-encoded POST body "Action=AssumeRole&Version=2011-06-15&…",
// an XML answer "<AssumeRoleResponse><AssumeRoleResult>…", and errors as
// "<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>".

#include "aws/error/aws_error.hpp"

#include <string>
#include <string_view>

namespace shiftsync::aws::query_protocol {

inline constexpr std::string_view content_type = "application/x-www-form-urlencoded; charset=utf-8";

// Builds the form body; names and values are percent-encoded (RFC 3986), in the order added.
class form {
public:
    form(std::string_view action, std::string_view version);
    form& add(std::string_view name, std::string_view value);
    const std::string& body() const { return body_; }

private:
    std::string body_;
};

// Fills code, message and request id from an error body; false when the body is not an
// ErrorResponse (the caller then reports the HTTP status alone).
bool parse_error(std::string_view body, diagnostics& out);

}  // namespace shiftsync::aws::query_protocol
