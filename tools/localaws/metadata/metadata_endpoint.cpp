#include "tools/localaws/metadata/metadata_endpoint.hpp"

#include "tools/localaws/admin/counters.hpp"
#include "tools/localaws/admin/faults.hpp"
#include "tools/localaws/log/request_log.hpp"
#include "tools/localaws/metadata/instance_metadata.hpp"
#include "tools/localaws/server/app.hpp"
#include "tools/localaws/server/http_util.hpp"
#include "tools/localaws/server/response_writer.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace localaws::metadata {
namespace asio = boost::asio;

asio::awaitable<bool> serve_metadata(app& a, server::connection& c, request_context& ctx) {
    auto started = std::chrono::steady_clock::now();
    // Metadata requests have no body worth reading; a small one is drained so the connection stays usable.
    server::parser_body_reader reader(c, std::nullopt, {}, std::nullopt);
    if (!co_await reader.drain()) co_return false;

    metadata_request request{ctx.method, ctx.raw_path, &ctx.headers};
    metadata_response r = a.metadata().handle(a, request);

    auto faults = a.faults().decide(r.service, r.operation);
    if (faults.delay.count() > 0) {
        asio::steady_timer t(co_await asio::this_coro::executor, faults.delay);
        co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
    }
    if (faults.kind != admin::injected::none) {
        r.status = faults.kind == admin::injected::throttled ? 429 : 500;
        r.body = faults.kind == admin::injected::throttled ? "Too Many Requests" : "Internal Server Error";
        r.content_type = "text/plain";
        r.error = faults.kind == admin::injected::throttled ? "Throttled" : "InternalError";
        r.headers.clear();
        r.principal.clear();
    }

    service_response resp;
    resp.body = std::move(r.body);
    server::write_plan plan;
    plan.status = r.status;
    plan.content_type = r.content_type;
    plan.headers = std::move(r.headers);
    plan.head = ctx.method == "HEAD";
    plan.keep_alive = c.parser->get().keep_alive();
    plan.bandwidth_bytes_per_second = faults.bandwidth_bytes_per_second;
    plan.reset_mid_body = faults.reset_mid_body;
    bool ok = false;
    std::uint64_t bytes_out = co_await server::write_response(a, c, resp, plan, ok);

    auto latency = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started);
    a.counters().record(r.service, r.operation, r.status, r.error, 0, bytes_out, latency);
    a.request_log().write({std::chrono::system_clock::now(), new_request_id_uuid(), r.service, r.operation,
                           r.principal, r.error, r.status, 0, bytes_out, latency, {}});
    co_return ok;
}

}  // namespace localaws::metadata
