#include "tools/localaws/sts/sts_service.hpp"

#include "tools/localaws/sts/sts_common.hpp"
#include "tools/localaws/sts/web_identity.hpp"

#include "tools/localaws/iam/directory.hpp"
#include "tools/localaws/server/app.hpp"
#include "tools/localaws/server/http_util.hpp"
#include "tools/localaws/server/xml_writer.hpp"

#include <charconv>
#include <regex>

namespace localaws {
namespace asio = boost::asio;

namespace sts {

aws_error validation(std::string message) { return {400, "ValidationError", std::move(message), {}, true}; }

service_response xml_ok(std::string body) {
    service_response r;
    r.body = std::move(body);
    r.add_header("Content-Type", "text/xml");
    return r;
}

std::optional<aws_error> check_role_and_session(const request_context& ctx) {
    const std::string* role_arn = ctx.query_param("RoleArn");
    const std::string* session = ctx.query_param("RoleSessionName");
    if (!role_arn || !session)
        return validation("1 validation error detected: RoleArn and RoleSessionName are required");
    static const std::regex session_pattern(R"([\w+=,.@-]{2,64})");
    if (!std::regex_match(*session, session_pattern))
        return validation("1 validation error detected: Value '" + *session +
                          "' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression "
                          "pattern: [\\w+=,.@-]*");
    return std::nullopt;
}

std::optional<aws_error> read_duration(const request_context& ctx, long long& duration) {
    duration = 3600;
    const auto* d = ctx.query_param("DurationSeconds");
    if (!d) return std::nullopt;
    auto [end, ec] = std::from_chars(d->data(), d->data() + d->size(), duration);
    const long long floor = ctx.application.min_session_duration().count();
    if (ec != std::errc{} || end != d->data() + d->size() || duration < floor || duration > 43200)
        return validation("1 validation error detected: Value '" + *d +
                          "' at 'durationSeconds' failed to satisfy constraint: Member must have value between " +
                          std::to_string(floor) + " and 43200");
    return std::nullopt;
}

void write_session(xml_writer& x, const iam::issued_session& s) {
    x.open("AssumedRoleUser").element("AssumedRoleId", s.who.user_id).element("Arn", s.who.arn).close("AssumedRoleUser");
    x.open("Credentials")
        .element("AccessKeyId", s.access_key_id)
        .element("SecretAccessKey", s.secret)
        .element("SessionToken", s.session_token)
        .element("Expiration", iso8601(s.expiration))
        .close("Credentials");
}

}  // namespace sts

namespace {

using sts::sts_namespace;
using sts::validation;
using sts::xml_ok;

service_response assume_role(request_context& ctx) {
    app& a = ctx.application;
    if (auto bad = sts::check_role_and_session(ctx)) return service_response::from_error(*bad);
    const std::string* role_arn = ctx.query_param("RoleArn");
    const std::string* session = ctx.query_param("RoleSessionName");
    long long duration = 3600;
    if (auto bad = sts::read_duration(ctx, duration)) return service_response::from_error(*bad);

    const iam::role* role = a.iam().find_role(*role_arn);
    iam::condition_context conditions;
    if (const auto* ext = ctx.query_param("ExternalId")) conditions.emplace("sts:ExternalId", *ext);
    conditions.emplace("sts:RoleSessionName", *session);
    // As in AWS: the caller's own policies must allow sts:AssumeRole on the role, and the role's trust
    // policy must allow the caller. Both failures (and an unknown role) read the same to the caller.
    bool identity_ok = a.iam().authorize(ctx.principal, "sts:AssumeRole", *role_arn, conditions) == iam::decision::allow;
    bool trusted = role && a.iam().trust_allows(*role, ctx.principal, conditions) == iam::decision::allow;
    ctx.actions_checked.push_back(identity_ok && trusted ? "sts:AssumeRole" : "!sts:AssumeRole");
    if (!identity_ok || !trusted)
        return service_response::from_error(aws_error{
            403, "AccessDenied",
            "User: " + ctx.principal.arn + " is not authorized to perform: sts:AssumeRole on resource: " + *role_arn,
            {}, true});
    // Role chaining caps a session at one hour, whatever the role allows.
    int max = ctx.principal.kind == iam::principal_kind::assumed_role ? 3600 : role->max_session_seconds;
    if (duration > max)
        return service_response::from_error(validation(
            "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."));

    auto s = a.iam().issue_session(*role, *session, std::chrono::seconds(duration), a.now());
    xml_writer x;
    x.open("AssumeRoleResponse", sts_namespace).open("AssumeRoleResult");
    sts::write_session(x, s);
    x.element("PackedPolicySize", "6").close("AssumeRoleResult");
    x.open("ResponseMetadata").element("RequestId", ctx.request_id).close("ResponseMetadata");
    x.close("AssumeRoleResponse");
    return xml_ok(x.take());
}

service_response get_caller_identity(request_context& ctx) {
    xml_writer x;
    x.open("GetCallerIdentityResponse", sts_namespace)
        .open("GetCallerIdentityResult")
        .element("Arn", ctx.principal.arn)
        .element("UserId", ctx.principal.user_id)
        .element("Account", ctx.principal.account_id)
        .close("GetCallerIdentityResult")
        .open("ResponseMetadata")
        .element("RequestId", ctx.request_id)
        .close("ResponseMetadata")
        .close("GetCallerIdentityResponse");
    return xml_ok(x.take());
}

}  // namespace

void register_sts(app& a) {
    auto& r = a.services();
    r.add_service({.signing_name = "sts",
                   .protocol = protocol::query_xml,
                   .target_prefix = {},
                   .xml_namespace = std::string(sts_namespace),
                   .resolve_operation = {},
                   // STS answers in every region (its regional endpoints), and its credentials work in
                   // all of them: localaws stands for each, so a signature for any region is good.
                   .signing_region = [](const request_context&) { return std::string(); }});
    r.add_operation("sts", "AssumeRole", [](request_context& ctx) -> asio::awaitable<service_response> {
        co_return assume_role(ctx);
    });
    sts::register_web_identity(a);
    r.add_operation("sts", "GetCallerIdentity", [](request_context& ctx) -> asio::awaitable<service_response> {
        co_return get_caller_identity(ctx);
    });
}

}  // namespace localaws
