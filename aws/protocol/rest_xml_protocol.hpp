#pragma once
// S3's REST-XML protocol: errors are "<Error><Code/><Message/><RequestId/>…</Error>", except
// that HEAD answers have no body (the status alone tells), and that CompleteMultipartUpload and
// CopyObject may answer 200 OK with an <Error> body — a failure that looks like success, which
// the SDKs retry.

#include "aws/error/aws_error.hpp"

#include <string>
#include <string_view>

namespace shiftsync::aws::rest_xml_protocol {

// Fills code, message and request id for an error answer. Without a parseable body the code comes
// from the status: 404 NotFound, 403 Forbidden, 412 PreconditionFailed, 304 NotModified,
// 400 BadRequest, 5xx InternalError.
void parse_error(unsigned http_status, std::string_view body, std::string_view request_id_header, diagnostics& out);

// True when a 200 answer's body is really an <Error> document.
bool is_error_document(std::string_view body);

}  // namespace shiftsync::aws::rest_xml_protocol
