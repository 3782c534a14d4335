#pragma once
// How the aws/ layer reports failure: an error_code from shiftsync's own category, plus a
// diagnostics object that keeps what the service said (its code, message and request id) apart
// from what shiftsync says. Modelled on Boost.MySQL's error_code + diagnostics.

#include <boost/system/error_code.hpp>

#include <string>

namespace shiftsync::aws {

enum class errc {
    ok = 0,
    service_error = 1,      // AWS answered with an error: see diagnostics.code
    throttled,              // a throttling error, still failing after the retries
    access_denied,          // AccessDenied / AccessDeniedException: a permission is missing
    not_found,              // NoSuchKey, ResourceNotFoundException, 404 on HEAD
    expired_credentials,    // ExpiredToken and friends: refresh and try again
    invalid_credentials,    // InvalidClientTokenId, SignatureDoesNotMatch, ...
    missing_credentials,    // nothing in the chain produced credentials
    invalid_config,         // a config file or setting that cannot be used
    missing_region,         // no region from flags, env or profile
    malformed_response,     // the service's answer could not be parsed
    wrong_region,           // S3: the bucket lives in another region (see diagnostics.resource_region)
};

const boost::system::error_category& aws_category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept {
    return {static_cast<int>(e), aws_category()};
}

// What went wrong, in words a user can act on. Secrets never go in here.
struct diagnostics {
    std::string service;     // "sts", "redshift-data", "s3"
    std::string operation;   // "AssumeRole"
    unsigned http_status = 0;
    std::string code;        // AWS's error code, e.g. "AccessDenied"
    std::string message;     // AWS's message, verbatim
    std::string request_id;  // x-amzn-RequestId / x-amz-request-id / <RequestId>
    std::string client_note; // shiftsync's own explanation and advice, if any
    // Where the service says the resource lives when the request went to another region (S3's
    // x-amz-bucket-region header or <Region> element); empty otherwise.
    std::string resource_region;

    // "sts AssumeRole failed: HTTP 403 AccessDenied: <message> (request id ...). <note>"
    std::string to_string() const;
};

// The error_code an AWS error code maps to (service_error when it has no more specific meaning).
errc errc_for_aws_code(std::string_view code, unsigned http_status);

}  // namespace shiftsync::aws

template <>
struct boost::system::is_error_code_enum<shiftsync::aws::errc> : std::true_type {};
