#include "aws/sts/sts_responses.hpp"

#include "aws/protocol/xml.hpp"
#include "sigv4/amz_date.hpp"

namespace shiftsync::aws::sts {

boost::system::result<assumed_role> parse_assume_role_response(std::string_view xml_text) {
    pugi::xml_document doc;
    if (!xml::parse(doc, xml_text)) return make_error_code(errc::malformed_response);
    // AssumeRoleResponse/AssumeRoleResult or AssumeRoleWithWebIdentityResponse/...Result: same shape.
    pugi::xml_node root = doc.document_element();
    std::string root_name = root.name();
    if (!root_name.starts_with("AssumeRole") || !root_name.ends_with("Response"))
        return make_error_code(errc::malformed_response);
    pugi::xml_node result = root.child((root_name.substr(0, root_name.size() - 8) + "Result").c_str());
    pugi::xml_node creds = result.child("Credentials");
    assumed_role out;
    out.credentials.creds =
        sigv4::credentials{xml::child_text(creds, "AccessKeyId"), xml::child_text(creds, "SecretAccessKey"),
                           xml::child_text(creds, "SessionToken")};
    auto expiration = sigv4::parse_amz_date(xml::child_text(creds, "Expiration"));
    if (out.credentials.creds.access_key_id.empty() || out.credentials.creds.secret_access_key.empty() || !expiration)
        return make_error_code(errc::malformed_response);
    out.credentials.expiration = *expiration;
    out.assumed_role_arn = xml::child_text(result.child("AssumedRoleUser"), "Arn");
    out.assumed_role_id = xml::child_text(result.child("AssumedRoleUser"), "AssumedRoleId");
    return out;
}

boost::system::result<caller_identity> parse_get_caller_identity_response(std::string_view xml_text) {
    pugi::xml_document doc;
    if (!xml::parse(doc, xml_text)) return make_error_code(errc::malformed_response);
    pugi::xml_node result = doc.child("GetCallerIdentityResponse").child("GetCallerIdentityResult");
    caller_identity out{xml::child_text(result, "Account"), xml::child_text(result, "Arn"),
                        xml::child_text(result, "UserId")};
    if (out.arn.empty()) return make_error_code(errc::malformed_response);
    return out;
}

}  // namespace shiftsync::aws::sts
