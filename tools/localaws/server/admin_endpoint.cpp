#include "tools/localaws/server/admin_endpoint.hpp"

#include "tools/localaws/admin/counters.hpp"
#include "tools/localaws/admin/faults.hpp"
#include "tools/localaws/server/app.hpp"
#include "tools/localaws/server/blocking.hpp"
#include "tools/localaws/server/response_writer.hpp"
#include "tools/localaws/serverless/database.hpp"

#include <boost/json.hpp>

#include <cstdio>

namespace localaws::server {
namespace asio = boost::asio;
namespace json = boost::json;
namespace {

std::pair<int, json::value> route(app& a, const request_context& ctx) {
    const std::string& m = ctx.method;
    const std::string& p = ctx.raw_path;
    auto bad = [](std::string why) { return std::pair<int, json::value>{400, json::object{{"error", why}}}; };
    if (p == "/_localaws/health") return {200, json::object{{"status", "ok"}}};
    if (p == "/_localaws/counters") {
        if (m == "DELETE") a.counters().reset();
        return {200, a.counters().to_json()};
    }
    if (p == "/_localaws/faults") {
        if (m == "DELETE") a.faults().clear();
        if (m == "PUT" || m == "POST") {
            boost::system::error_code ec;
            auto rules = json::parse(ctx.body, ec);
            std::string error;
            if (ec) return bad("body is not JSON");
            if (!a.faults().set(rules, error)) return bad(error);
        }
        return {200, a.faults().to_json()};
    }
    if (p == "/_localaws/clock") {
        if (m == "PUT" || m == "POST") {
            boost::system::error_code ec;
            auto v = json::parse(ctx.body, ec);
            const json::value* off = !ec && v.is_object() ? v.as_object().if_contains("offset_seconds") : nullptr;
            if (!off || !off->is_number()) return bad("expected {\"offset_seconds\": N}");
            a.set_clock_offset(std::chrono::seconds(off->to_number<long long>()));
        }
        return {200, json::object{{"offset_seconds", a.clock_offset().count()}}};
    }
    if (p == "/_localaws/postgres") {
        const serverless::database* db = a.database();
        if (!db) return {404, json::object{{"error", "this localaws has no database"}}};
        const serverless::endpoint e = db->address();
        return {200, json::object{{"address", e.address}, {"port", e.port}, {"ca", e.ca_file.string()}}};
    }
    return {404, json::object{{"error", "no such admin resource"}}};
}

}  // namespace

asio::awaitable<bool> serve_admin(app& a, connection& c, request_context& ctx) {
    parser_body_reader reader(c, std::nullopt, {}, std::nullopt);
    std::vector<std::byte> chunk(64 * 1024);
    std::optional<aws_error> error;
    for (;;) {
        std::size_t n = co_await reader.read(chunk, error);
        if (error) co_return false;
        if (n == 0) break;
        if (ctx.body.size() + n > 1024 * 1024) co_return false;
        ctx.body.append(reinterpret_cast<const char*>(chunk.data()), n);
    }
    // A named pair, not structured bindings: they would live across the co_await below.
    std::pair<int, json::value> routed = route(a, ctx);
    const bool clock_set = routed.first == 200 && ctx.raw_path == "/_localaws/clock" &&
                           (ctx.method == "PUT" || ctx.method == "POST");
    if (serverless::database* db = a.database(); db && clock_set) {
        // PostgreSQL checks passwords by the wall clock: their expiries move with the offset before
        // this call returns, so the next connection already sees the new time. Blocking (SQL).
        auto follow = [db] { return db->clock_moved(); };
        std::string failure = co_await offload(a.blocking_pool(), follow);
        if (!failure.empty()) {
            std::fprintf(stderr, "localaws: 500 from the admin clock: %s\n", failure.c_str());
            routed = {500, json::object{{"error", failure}}};
        }
    }
    service_response resp;
    resp.body = json::serialize(routed.second);
    write_plan plan;
    plan.status = routed.first;
    plan.content_type = "application/json";
    plan.keep_alive = c.parser->get().keep_alive();
    bool ok = false;
    co_await write_response(a, c, resp, plan, ok);
    co_return ok;
}

}  // namespace localaws::server
