#include "aws/sts/sts_client.hpp"

#include "aws/protocol/query_protocol.hpp"
#include "aws/protocol/xml.hpp"
#include "sigv4/amz_date.hpp"

namespace shiftsync::aws::sts {
namespace {

namespace http = engine::http;
constexpr std::string_view api_version = "2011-06-15";

service_call form_call(std::string operation, const query_protocol::form& form) {
    service_call call;
    call.operation = std::move(operation);
    call.headers.add("Content-Type", query_protocol::content_type);
    call.body = http::buffer_source::from(form.body());
    // Control-plane calls are small and must not queue behind bulk transfers.
    call.options.priority = engine::priority::control;
    return call;
}

}  // namespace

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
    out.credentials.creds = sigv4::credentials{xml::child_text(creds, "AccessKeyId"), xml::child_text(creds, "SecretAccessKey"),
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

boost::asio::awaitable<boost::system::result<assumed_role>> sts_client::async_assume_role(
    const assume_role_request& request, diagnostics& diag) {
    query_protocol::form form("AssumeRole", api_version);
    form.add("RoleArn", request.role_arn).add("RoleSessionName", request.role_session_name);
    if (!request.external_id.empty()) form.add("ExternalId", request.external_id);
    if (request.duration) form.add("DurationSeconds", std::to_string(request.duration->count()));
    auto call = form_call("AssumeRole", form);
    auto reply = co_await service_.async_call(std::move(call), diag);
    if (!reply) {
        diag.client_note = "assuming " + request.role_arn + (request.external_id.empty() ? " without an ExternalId" : " with an ExternalId") +
                           (diag.client_note.empty() ? "" : "; " + diag.client_note);
        co_return reply.error();
    }
    auto parsed = parse_assume_role_response(reply->body);
    if (!parsed) diag.client_note = "STS answered AssumeRole with a document that is not an AssumeRoleResponse";
    co_return parsed;
}

boost::asio::awaitable<boost::system::result<assumed_role>> sts_client::async_assume_role_with_web_identity(
    const std::string& role_arn, const std::string& session_name, const std::string& web_identity_token,
    diagnostics& diag) {
    query_protocol::form form("AssumeRoleWithWebIdentity", api_version);
    form.add("RoleArn", role_arn).add("RoleSessionName", session_name).add("WebIdentityToken", web_identity_token);
    service_call call = form_call("AssumeRoleWithWebIdentity", form);
    call.anonymous = true;  // the token is the credential; the request is not signed
    auto reply = co_await service_.async_call(std::move(call), diag);
    if (!reply) {
        diag.client_note = "assuming " + role_arn + " with a web identity token";
        co_return reply.error();
    }
    co_return parse_assume_role_response(reply->body);
}

boost::asio::awaitable<boost::system::result<caller_identity>> sts_client::async_get_caller_identity(
    diagnostics& diag) {
    query_protocol::form form("GetCallerIdentity", api_version);
    auto call = form_call("GetCallerIdentity", form);
    auto reply = co_await service_.async_call(std::move(call), diag);
    if (!reply) co_return reply.error();
    co_return parse_get_caller_identity_response(reply->body);
}

}  // namespace shiftsync::aws::sts
