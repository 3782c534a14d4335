#pragma once
// STS's answers (Query protocol XML), read without I/O: the credentials of AssumeRole and
// AssumeRoleWithWebIdentity, and GetCallerIdentity's identity. Unit-tested and fuzzed on their own.

#include "aws/credentials/credentials_provider.hpp"

#include <boost/system/result.hpp>

#include <string>
#include <string_view>

namespace shiftsync::aws::sts {

struct assumed_role {
    timed_credentials credentials;
    std::string assumed_role_arn;  // arn:aws:sts::111122223333:assumed-role/shiftsync-connector/session
    std::string assumed_role_id;
};

struct caller_identity {
    std::string account;
    std::string arn;
    std::string user_id;
};

// malformed_response unless the document carries what the caller needs (keys and an expiration;
// an ARN).
boost::system::result<assumed_role> parse_assume_role_response(std::string_view xml);
boost::system::result<caller_identity> parse_get_caller_identity_response(std::string_view xml);

}  // namespace shiftsync::aws::sts
