#pragma once
// How the S3 commands word a failure: the service's own words when it sent any (with the IAM
// action a refused call needs), else shiftsync's note, else the error's message.

#include "aws/error/aws_error.hpp"

#include <string>

namespace shiftsync::cli {

std::string describe_failure(const boost::system::error_code& ec, const aws::diagnostics& diag);

// "s3:PutObject" for "UploadPart", and so on: the permission an S3 operation is authorised by.
std::string s3_action_for(const std::string& operation);

}  // namespace shiftsync::cli
