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

}  // namespace

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
    service_call call;
    call.operation = "GetCredentials";
    call.headers.add("Content-Type", json_protocol::content_type);
    call.headers.add("X-Amz-Target", json_protocol::target("RedshiftServerless", "GetCredentials"));
    call.body = engine::http::buffer_source::from(json::serialize(body));
    call.options.priority = engine::priority::control;
    auto reply = co_await service_.async_call(std::move(call), diag);
    if (!reply) co_return reply.error();
    co_return parse_get_credentials(reply->body);
}

}  // namespace shiftsync::aws::redshift_serverless
