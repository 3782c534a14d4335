#pragma once
// Legacy SigV2 presigned S3 URLs (the AWS CLI v1's default for `aws s3 presign`); see the .cpp.

#include "tools/localaws/auth/verifier.hpp"

namespace localaws::auth {

bool is_sigv2_presigned(std::string_view raw_query);
verified_request verify_sigv2_presigned(const verify_input& in, const iam::directory& directory);

}  // namespace localaws::auth
