#pragma once
// AWS JSON 1.1 (Redshift Data API, Redshift Serverless): every operation is
//   POST /  Content-Type: application/x-amz-json-1.1  X-Amz-Target: <prefix>.<Operation>
// with a JSON body, answered by JSON; errors carry "__type" (optionally "namespace#Code") and a
// "message"/"Message", or the code in the x-amzn-ErrorType header.

#include "aws/error/aws_error.hpp"

#include <string>
#include <string_view>

namespace shiftsync::aws::json_protocol {

inline constexpr std::string_view content_type = "application/x-amz-json-1.1";

// "RedshiftData" + "ExecuteStatement" -> "RedshiftData.ExecuteStatement"
std::string target(std::string_view target_prefix, std::string_view operation);

// Fills code, message and (from the header, when present) request id of `out` from an error
// response. A body that is not JSON still gives the header's code, or "UnknownError".
void parse_error(std::string_view body, std::string_view error_type_header, diagnostics& out);

// "com.amazonaws.redshiftdata#ValidationException" -> "ValidationException";
// "ValidationException:http://internal.amazon.com/..." (the header form) -> "ValidationException".
std::string_view bare_error_code(std::string_view type);

}  // namespace shiftsync::aws::json_protocol
