#include "aws/redshift_serverless/redshift_serverless_client.hpp"

#include "aws/protocol/json_protocol.hpp"

#include <boost/json.hpp>

#include <cmath>

namespace shiftsync::aws::redshift_serverless {
namespace {

namespace json = boost::json;

// JSON 1.1 timestamps are epoch seconds, possibly fractional.
std::optional<std::chrono::system_clock::time_point> epoch(const json::value* v) {
    if (!v) return std::nullopt;
    double seconds = v->is_double() ? v->as_double() : v->is_int64() ? static_cast<double>(v->as_int64()) : NAN;
    if (std::isnan(seconds)) return std::nullopt;
    return std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::duration<double>(seconds)));
}

std::string string_member(const json::object& o, std::string_view key) {
    auto* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

service_call json_call(std::string_view operation, const json::object& body) {
    service_call call;
    call.operation = std::string(operation);
    call.headers.add("Content-Type", json_protocol::content_type);
    call.headers.add("X-Amz-Target", json_protocol::target("RedshiftServerless", operation));
    call.body = engine::http::buffer_source::from(json::serialize(body));
    call.options.priority = engine::priority::control;
    return call;
}

}  // namespace

boost::system::result<workgroup> parse_get_workgroup(std::string_view text) {
    boost::system::error_code ec;
    json::value doc = json::parse(text, ec);
    if (ec || !doc.is_object()) return make_error_code(errc::malformed_response);
    auto* wg = doc.as_object().if_contains("workgroup");
    if (!wg || !wg->is_object()) return make_error_code(errc::malformed_response);
    const auto& o = wg->as_object();
    workgroup out;
    out.name = string_member(o, "workgroupName");
    out.arn = string_member(o, "workgroupArn");
    out.status = string_member(o, "status");
    out.namespace_name = string_member(o, "namespaceName");
    if (auto* e = o.if_contains("endpoint"); e && e->is_object()) {
        workgroup_endpoint endpoint;
        endpoint.address = string_member(e->as_object(), "address");
        if (auto* port = e->as_object().if_contains("port"); port && port->is_int64()) {
            auto p = port->as_int64();
            if (p <= 0 || p > 65535) return make_error_code(errc::malformed_response);
            endpoint.port = static_cast<std::uint16_t>(p);
        }
        if (!endpoint.address.empty()) out.endpoint = std::move(endpoint);
    }
    if (out.name.empty()) return make_error_code(errc::malformed_response);
    return out;
}

boost::system::result<database_credentials> parse_get_credentials(std::string_view text) {
    boost::system::error_code ec;
    json::value doc = json::parse(text, ec);
    if (ec || !doc.is_object()) return make_error_code(errc::malformed_response);
    const auto& o = doc.as_object();
    database_credentials out;
    if (auto* v = o.if_contains("dbUser"); v && v->is_string()) out.db_user = std::string(v->as_string());
    if (auto* v = o.if_contains("dbPassword"); v && v->is_string()) out.db_password = std::string(v->as_string());
    auto expiration = epoch(o.if_contains("expiration"));
    out.next_refresh_time = epoch(o.if_contains("nextRefreshTime"));
    if (out.db_user.empty() || out.db_password.empty() || !expiration) return make_error_code(errc::malformed_response);
    out.expiration = *expiration;
    return out;
}

boost::asio::awaitable<boost::system::result<database_credentials>> redshift_serverless_client::async_get_credentials(
    const get_credentials_request& request, diagnostics& diag) {
    json::object body{{"workgroupName", request.workgroup_name}};
    if (!request.db_name.empty()) body["dbName"] = request.db_name;
    if (request.duration) body["durationSeconds"] = request.duration->count();
    service_call call = json_call("GetCredentials", body);
    auto reply = co_await service_.async_call(std::move(call), diag);
    if (!reply) co_return reply.error();
    co_return parse_get_credentials(reply->body);
}

boost::asio::awaitable<boost::system::result<workgroup>> redshift_serverless_client::async_get_workgroup(
    const std::string& name, diagnostics& diag) {
    json::object body{{"workgroupName", name}};
    service_call call = json_call("GetWorkgroup", body);
    auto reply = co_await service_.async_call(std::move(call), diag);
    if (!reply) co_return reply.error();
    co_return parse_get_workgroup(reply->body);
}

}  // namespace shiftsync::aws::redshift_serverless
