#include "aws/sts/sts_client.hpp"

#include "aws/protocol/query_protocol.hpp"

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
