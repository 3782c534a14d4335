// How each protocol family names an authentication failure. The codes and messages are AWS's own:
// S3 has its dedicated codes, Query services (STS) share the IAM family's, and JSON services use
// the *Exception names.
#include "tools/localaws/auth/verifier.hpp"

#include "sigv4/amz_date.hpp"

namespace localaws::auth {
namespace {

constexpr std::string_view signature_message =
    "The request signature we calculated does not match the signature you provided. Check your AWS Secret "
    "Access Key and signing method. Consult the service documentation for details.";

aws_error make(int status, std::string code, std::string message) {
    return aws_error{status, std::move(code), std::move(message), {}, true};
}

std::string skew_message(const verified_request& v, std::chrono::system_clock::time_point now) {
    return "Signature expired: " + v.amz_date + " is now earlier than " +
           shiftsync::sigv4::format_amz_date(now - std::chrono::minutes(15)) + " (" +
           shiftsync::sigv4::format_amz_date(now) + " - 15 min.)";
}

aws_error s3_error(const verified_request& v, std::chrono::system_clock::time_point now) {
    switch (v.why) {
    case failure::missing: return make(403, "AccessDenied", "Access Denied");
    case failure::malformed: return make(400, "AuthorizationHeaderMalformed", v.detail);
    case failure::unknown_key: {
        auto e = make(403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.");
        e.details.emplace_back("AWSAccessKeyId", v.access_key_id);
        return e;
    }
    case failure::bad_token: return make(400, "InvalidToken", "The provided token is malformed or otherwise invalid.");
    case failure::expired_token: return make(400, "ExpiredToken", "The provided token has expired.");
    case failure::signature_mismatch: {
        auto e = make(403, "SignatureDoesNotMatch",
                      "The request signature we calculated does not match the signature you provided. Check your "
                      "key and signing method.");
        e.details.emplace_back("AWSAccessKeyId", v.access_key_id);
        e.details.emplace_back("StringToSign", v.string_to_sign);
        e.details.emplace_back("CanonicalRequest", v.canonical_request);
        return e;
    }
    case failure::time_skewed: {
        auto e = make(403, "RequestTimeTooSkewed", "The difference between the request time and the current time is too large.");
        e.details.emplace_back("RequestTime", v.amz_date);
        e.details.emplace_back("ServerTime", shiftsync::sigv4::format_amz_date(now));
        e.details.emplace_back("MaxAllowedSkewMilliseconds", "900000");
        return e;
    }
    case failure::presign_expired: {
        auto e = make(403, "AccessDenied", "Request has expired");
        e.details.emplace_back("X-Amz-Expires", v.detail);
        e.details.emplace_back("ServerTime", shiftsync::sigv4::format_amz_date(now));
        return e;
    }
    case failure::missing_content_sha256:
        return make(400, "InvalidRequest", "Missing required header for this request: x-amz-content-sha256");
    case failure::wrong_region: {
        auto e = make(400, "AuthorizationHeaderMalformed",
                      "The authorization header is malformed; the region '" + v.detail + "' is wrong; expecting '" +
                          v.expected_region + "'");
        e.details.emplace_back("Region", v.expected_region);
        return e;
    }
    case failure::none: break;
    }
    return make(500, "InternalError", "We encountered an internal error. Please try again.");
}

aws_error query_error(const verified_request& v, std::chrono::system_clock::time_point now) {
    switch (v.why) {
    case failure::missing: return make(403, "MissingAuthenticationToken", "Request is missing Authentication Token");
    case failure::malformed: return make(400, "IncompleteSignature", v.detail);
    case failure::unknown_key:
    case failure::bad_token: return make(403, "InvalidClientTokenId", "The security token included in the request is invalid.");
    case failure::expired_token: return make(403, "ExpiredToken", "The security token included in the request is expired");
    case failure::signature_mismatch: return make(403, "SignatureDoesNotMatch", std::string(signature_message));
    case failure::time_skewed: return make(403, "SignatureDoesNotMatch", skew_message(v, now));
    case failure::wrong_region:
        return make(403, "SignatureDoesNotMatch", "Credential should be scoped to a valid region. ");
    default: break;
    }
    return make(500, "InternalFailure", "An internal error occurred");
}

aws_error json_error(const verified_request& v, std::chrono::system_clock::time_point now) {
    switch (v.why) {
    case failure::missing: return make(400, "MissingAuthenticationTokenException", "Missing Authentication Token");
    case failure::malformed: return make(400, "IncompleteSignatureException", v.detail);
    case failure::unknown_key:
    case failure::bad_token:
        return make(400, "UnrecognizedClientException", "The security token included in the request is invalid.");
    case failure::expired_token:
        return make(400, "ExpiredTokenException", "The security token included in the request is expired");
    case failure::signature_mismatch: return make(400, "InvalidSignatureException", std::string(signature_message));
    case failure::time_skewed: return make(400, "InvalidSignatureException", skew_message(v, now));
    case failure::wrong_region:
        return make(400, "InvalidSignatureException", "Credential should be scoped to a valid region. ");
    default: break;
    }
    return make(500, "InternalFailure", "An internal error occurred");
}

}  // namespace

aws_error to_aws_error(const verified_request& v, error_dialect dialect, std::chrono::system_clock::time_point now) {
    switch (dialect) {
    case error_dialect::s3: return s3_error(v, now);
    case error_dialect::query: return query_error(v, now);
    case error_dialect::json: return json_error(v, now);
    }
    return s3_error(v, now);
}

}  // namespace localaws::auth
