#include "aws/error/aws_error.hpp"

#include <array>
#include <string_view>

namespace shiftsync::aws {
namespace {

class category final : public boost::system::error_category {
public:
    const char* name() const noexcept override { return "shiftsync.aws"; }
    std::string message(int ev) const override {
        switch (static_cast<errc>(ev)) {
            case errc::ok: return "success";
            case errc::service_error: return "the AWS service returned an error";
            case errc::throttled: return "throttled by AWS after every retry";
            case errc::access_denied: return "access denied: a permission is missing";
            case errc::not_found: return "not found";
            case errc::expired_credentials: return "the credentials have expired";
            case errc::invalid_credentials: return "the credentials were rejected";
            case errc::missing_credentials: return "no credentials found";
            case errc::invalid_config: return "invalid configuration";
            case errc::missing_region: return "no region configured";
            case errc::malformed_response: return "the AWS response could not be parsed";
            case errc::wrong_region: return "the bucket is in another region";
        }
        return "unknown shiftsync.aws error";
    }
};

bool one_of(std::string_view code, std::initializer_list<std::string_view> codes) {
    for (auto c : codes)
        if (code == c) return true;
    return false;
}

}  // namespace

const boost::system::error_category& aws_category() noexcept {
    static const category instance;
    return instance;
}

std::string diagnostics::to_string() const {
    std::string out = service.empty() ? std::string("AWS") : service;
    if (!operation.empty()) out += " " + operation;
    out += " failed";
    if (http_status) out += ": HTTP " + std::to_string(http_status);
    if (!code.empty()) out += (http_status ? " " : ": ") + code;
    if (!message.empty()) out += ": " + message;
    if (!request_id.empty()) out += " (request id " + request_id + ")";
    if (!client_note.empty()) out += ". " + client_note;
    return out;
}

errc errc_for_aws_code(std::string_view code, unsigned http_status) {
    if (one_of(code, {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "AuthorizationError"}))
        return errc::access_denied;
    if (one_of(code, {"ExpiredToken", "ExpiredTokenException", "RequestExpired", "TokenRefreshRequired"}))
        return errc::expired_credentials;
    if (one_of(code, {"InvalidClientTokenId", "InvalidAccessKeyId", "SignatureDoesNotMatch",
                      "UnrecognizedClientException", "IncompleteSignature", "InvalidToken"}))
        return errc::invalid_credentials;
    if (one_of(code, {"NoSuchKey", "NoSuchBucket", "NoSuchUpload", "NotFound", "ResourceNotFoundException"}) ||
        (code.empty() && http_status == 404))
        return errc::not_found;
    return errc::service_error;
}

}  // namespace shiftsync::aws
