#include "tools/localaws/server/session.hpp"

#include "tools/localaws/admin/counters.hpp"
#include "tools/localaws/admin/faults.hpp"
#include "tools/localaws/auth/verifier.hpp"
#include "tools/localaws/log/request_log.hpp"
#include "tools/localaws/metadata/metadata_endpoint.hpp"
#include "tools/localaws/metadata/instance_metadata.hpp"
#include "tools/localaws/server/admin_endpoint.hpp"
#include "tools/localaws/server/app.hpp"
#include "tools/localaws/server/connection.hpp"
#include "tools/localaws/server/error_render.hpp"
#include "tools/localaws/server/http_util.hpp"
#include "tools/localaws/server/response_writer.hpp"
#include "sigv4/signer.hpp"
#include "sigv4/signing_key.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <memory>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/read.hpp>

#include <algorithm>
#include <charconv>
#include <cstdio>

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace localaws::server {
namespace asio = boost::asio;
namespace sv = shiftsync::sigv4;
namespace {

auth::error_dialect dialect_of(protocol p) {
    if (p == protocol::rest_xml_s3) return auth::error_dialect::s3;
    if (p == protocol::query_xml) return auth::error_dialect::query;
    return auth::error_dialect::json;
}

aws_error unknown_operation(protocol p, const std::string& operation) {
    if (p == protocol::rest_xml_s3)
        return {501, "NotImplemented", "A header you provided implies functionality that is not implemented", {}, true};
    if (p == protocol::query_xml)
        return {400, "InvalidAction", "Could not find operation " + operation + " for version 2011-06-15", {}, true};
    return {400, "UnknownOperationException", "", {}, true};
}

// The errors faults inject, and quota throttling, in each protocol's words.
aws_error injected_error(protocol p, const std::string& name, bool throttled) {
    if (throttled || name == "ThrottlingException" || name == "SlowDown") {
        if (p == protocol::rest_xml_s3) return {503, "SlowDown", "Please reduce your request rate.", {}, false};
        if (p == protocol::query_xml) return {400, "Throttling", "Rate exceeded", {}, true};
        return {400, "ThrottlingException", "Rate exceeded", {}, true};
    }
    if (name == "ServiceUnavailable") {
        if (p == protocol::rest_xml_s3) return {503, "ServiceUnavailable", "Service is unable to handle request.", {}, false};
        return {503, "ServiceUnavailable", "Service is unavailable", {}, false};
    }
    if (p == protocol::rest_xml_s3)
        return {500, "InternalError", "We encountered an internal error. Please try again.", {}, false};
    if (p == protocol::query_xml) return {500, "InternalFailure", "An internal error occurred", {}, false};
    return {500, "InternalServerException", "An internal error occurred", {}, false};
}

std::optional<std::uint64_t> parse_u64(std::string_view s) {
    std::uint64_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
    return v;
}

// Every 5xx localaws answers of its own accord goes to stderr with its cause: the client sees only
// AWS's words ("An internal error occurred"), and an operator must be able to find out why (a
// PostgreSQL that cannot start used to make every Data API call fail with nothing said anywhere).
// Injected faults are the test's intent, not failures, and are not logged. One write per line, so
// lines from several threads do not interleave.
void log_server_error(const request_context& ctx, const aws_error& e) {
    std::string why = e.cause.empty() ? e.message : e.cause;
    std::replace(why.begin(), why.end(), '\n', ' ');  // a tool's output quoted in it: one line per error
    std::string line = "localaws: " + std::to_string(e.status) + " " + e.code + " for " + ctx.service + "." +
                       ctx.operation + " (request " + ctx.request_id + "): " + why + "\n";
    std::fwrite(line.data(), 1, line.size(), stderr);
}

bool is_hex_sha256(std::string_view s) {
    return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char ch) {
               return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f');
           });
}

// Everything about one exchange that the final response and the log need.
struct exchange {
    const service_definition* service = nullptr;
    std::optional<parser_body_reader> body;
    admin::fault_decision faults;
};

asio::awaitable<std::optional<aws_error>> read_whole_body(connection& c, parser_body_reader& reader, std::string& out,
                                                          std::size_t limit) {
    std::optional<aws_error> error;
    // Most requests (GET, HEAD, DELETE) have no body: no buffer needed to learn that (read() still
    // runs, to check the payload hash of the empty body).
    std::byte none[1];
    if (c.parser->is_done()) {
        co_await reader.read(none, error);
        co_return error;
    }
    if (c.scratch.empty()) c.scratch.resize(64 * 1024);  // once per connection
    for (;;) {
        std::size_t n = co_await reader.read(c.scratch, error);
        if (error) co_return error;
        if (n == 0) co_return std::nullopt;
        if (out.size() + n > limit)
            co_return aws_error{413, "RequestEntityTooLarge", "Request body too large", {}, true};
        out.append(reinterpret_cast<const char*>(c.scratch.data()), n);
    }
}

// Routes, authenticates and runs the handler; returns the response to send.
asio::awaitable<service_response> dispatch(app& a, connection& c, request_context& ctx, exchange& ex) {
    auto& registry = a.services();
    const service_definition* svc = nullptr;
    if (auto target = ctx.headers.get("x-amz-target"); !target.empty()) {
        auto dot = target.find('.');
        svc = registry.by_target_prefix(target.substr(0, dot));
        if (svc && dot != std::string_view::npos) ctx.operation = target.substr(dot + 1);
    }
    if (!svc) {
        auto scope = auth::scope_service(ctx.headers.get("authorization"), ctx.raw_query);
        // An unsigned form POST is a Query call (S3 never takes form-urlencoded bodies): STS's
        // AssumeRoleWithWebIdentity, which clients send unsigned.
        if (scope.empty() && ctx.method == "POST" &&
            ctx.headers.get("content-type").starts_with("application/x-www-form-urlencoded"))
            scope = "sts";
        svc = registry.by_signing_name(scope.empty() ? "s3" : scope);
        if (!svc) {
            // Signed for a service localaws does not serve (yet): say so, rather than let S3's rules
            // produce a puzzling SignatureDoesNotMatch.
            static const service_definition unknown{.signing_name = "unknown", .protocol = protocol::json_1_1};
            ex.service = &unknown;
            ctx.service = scope;
            ctx.request_id = new_request_id_uuid();
            co_return service_response::from_error(
                {400, "UnknownServiceException", "localaws does not serve the service '" + scope + "'", {}, true});
        }
    }
    ex.service = svc;
    ctx.service = svc->signing_name;
    ctx.request_id = svc->protocol == protocol::rest_xml_s3 ? new_request_id_s3() : new_request_id_uuid();
    const bool s3 = svc->protocol == protocol::rest_xml_s3;
    auto content_length = c.parser->content_length();

    if (!s3) {
        // The payload hash is part of the signature: the body comes first.
        ex.body.emplace(c, std::nullopt, std::string{}, content_length ? std::optional(*content_length) : std::nullopt);
        if (auto e = co_await read_whole_body(c, *ex.body, ctx.body, svc->max_buffered_body))
            co_return service_response::from_error(*e);
        ctx.bytes_in = ctx.body.size();
        if (svc->protocol == protocol::query_xml) {
            auto form = parse_query(ctx.body);
            ctx.query.insert(ctx.query.end(), form.begin(), form.end());
            if (const auto* action = ctx.query_param("Action")) ctx.operation = *action;
        }
    } else if (svc->resolve_operation) {
        ctx.operation = svc->resolve_operation(ctx);
    }

    const operation_entry* entry = registry.find(ctx.service, ctx.operation);

    std::string body_hash;
    if (!s3) sv::append_hex(body_hash, sv::sha256_of(ctx.body));
    const std::string signing_region = svc->signing_region ? svc->signing_region(ctx) : a.region();
    auth::verify_input vin{.method = ctx.method,
                           .raw_path = ctx.raw_path,
                           .raw_query = ctx.raw_query,
                           .headers = &ctx.headers,
                           .s3 = s3,
                           .body_sha256_hex = body_hash,
                           .region = signing_region,
                           .wall_now = std::chrono::system_clock::now(),
                           .shifted_now = a.now(),
                           .max_skew = a.max_clock_skew()};
    auto verified = auth::verify(vin, a.iam());
    const bool unsigned_allowed = entry && entry->allow_unsigned && verified.why == auth::failure::missing;
    if (verified.why != auth::failure::none && !unsigned_allowed) {
        auto refused = service_response::from_error(auth::to_aws_error(verified, dialect_of(svc->protocol), a.now()));
        // S3 names the bucket's region in a header too: a HEAD answer has no body to carry <Region>.
        if (s3 && verified.why == auth::failure::wrong_region)
            refused.add_header("x-amz-bucket-region", verified.expected_region);
        co_return refused;
    }
    ctx.principal = std::move(verified.who);
    ctx.signed_region = verified.region;
    if (!entry) co_return service_response::from_error(unknown_operation(svc->protocol, ctx.operation));

    if (s3) {
        std::optional<auth::chunked_decoder> decoder;
        std::optional<std::uint64_t> declared = content_length ? std::optional(*content_length) : std::nullopt;
        if (verified.payload_hash.starts_with("STREAMING-")) {
            std::optional<sv::chunked_signer> chain;
            if (verified.chunked) {
                const auto& s = *verified.chunked;
                auto key = sv::derive_signing_key(s.secret, s.date, s.region, s.service);
                chain.emplace(sv::hmac_key(std::span<const std::uint8_t>(key)), s.amz_date, s.scope, s.seed_signature);
            }
            decoder.emplace(std::move(chain));
            declared = parse_u64(ctx.headers.get("x-amz-decoded-content-length"));
        }
        ex.body.emplace(c, std::move(decoder), is_hex_sha256(verified.payload_hash) ? verified.payload_hash : "", declared);
        if (entry->mode == body_mode::buffered) {
            if (auto e = co_await read_whole_body(c, *ex.body, ctx.body, svc->max_buffered_body))
                co_return service_response::from_error(*e);
            ctx.bytes_in = ctx.body.size();
        } else {
            ctx.body_stream = &*ex.body;
        }
    }

    ex.faults = a.faults().decide(ctx.service, ctx.operation);
    if (ex.faults.delay.count() > 0) {
        asio::steady_timer t(co_await asio::this_coro::executor, ex.faults.delay);
        co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
    }
    if (ex.body && entry->mode == body_mode::streaming)
        ex.body->shape(ex.faults.bandwidth_bytes_per_second, ex.faults.reset_mid_body);
    if (ex.faults.kind != admin::injected::none)
        co_return service_response::from_error(
            injected_error(svc->protocol, ex.faults.error, ex.faults.kind == admin::injected::throttled));

    if (ex.faults.complete_with_error && ctx.operation == "CompleteMultipartUpload") {
        // S3 may fail a completion after it sent "200 OK": the error arrives in the body, and the
        // upload is left as it was (the client retries the completion).
        auto resp = service_response::from_error(injected_error(svc->protocol, "InternalError", false));
        resp.error_with_200 = true;
        co_return resp;
    }
    try {
        co_return co_await entry->handler(ctx);
    } catch (const std::exception& e) {
        auto error = injected_error(svc->protocol, "InternalError", false);
        error.cause = std::string("the handler threw: ") + e.what();
        co_return service_response::from_error(std::move(error));
    }
}

asio::awaitable<bool> handle_one(app& a, connection& c) {
    auto started = std::chrono::steady_clock::now();
    auto& req = c.parser->get();
    std::string_view target(req.target().data(), req.target().size());
    auto qmark = target.find('?');
    request_context ctx{.application = a};
    ctx.method = std::string(req.method_string());
    ctx.raw_path = std::string(target.substr(0, qmark));
    ctx.raw_query = qmark == std::string_view::npos ? std::string{} : std::string(target.substr(qmark + 1));
    ctx.query = parse_query(ctx.raw_query, /*skip_presign_params=*/true);
    for (const auto& f : req) {
        std::string name(f.name_string());
        std::transform(name.begin(), name.end(), name.begin(), [](unsigned char ch) { return std::tolower(ch); });
        ctx.headers.items.emplace_back(std::move(name), std::string(f.value()));
    }
    ctx.host = ctx.headers.get("host");

    // The metadata endpoints are unsigned, like EC2's and ECS's, and live beside the admin endpoint.
    if (ctx.raw_path.starts_with(metadata::path_prefix)) co_return co_await metadata::serve_metadata(a, c, ctx);
    if (ctx.raw_path.starts_with("/_localaws/")) co_return co_await serve_admin(a, c, ctx);

    exchange ex;
    service_response resp = co_await dispatch(a, c, ctx, ex);
    const protocol proto = ex.service ? ex.service->protocol : protocol::rest_xml_s3;
    if (ctx.request_id.empty()) ctx.request_id = new_request_id_s3();
    const bool injected = ex.faults.kind != admin::injected::none || resp.error_with_200;
    if (resp.error && resp.error->status >= 500 && !injected) log_server_error(ctx, *resp.error);

    // A body the handler left unread: drain a small one so the connection stays usable.
    bool reusable = req.keep_alive();
    // A client waiting for "100 Continue" that we never sent will not send its body: close rather
    // than wait for it.
    const bool body_withheld = expects_continue(*c.parser) && !c.continue_sent;
    if (body_withheld && !c.parser->is_done()) reusable = false;
    else if (ex.body && !ex.body->finished()) reusable = reusable && co_await ex.body->drain();
    else if (!ex.body && !c.parser->is_done()) reusable = false;
    if (ex.body) ctx.bytes_in = std::max(ctx.bytes_in, ex.body->raw_bytes());

    write_plan plan;
    plan.head = ctx.method == "HEAD";
    plan.keep_alive = reusable;
    plan.bandwidth_bytes_per_second = ex.faults.bandwidth_bytes_per_second;
    plan.reset_mid_body = ex.faults.reset_mid_body;
    if (proto == protocol::rest_xml_s3) {
        plan.headers.emplace_back("x-amz-request-id", ctx.request_id);
        plan.headers.emplace_back("x-amz-id-2", "localaws/" + ctx.request_id);
    } else {
        plan.headers.emplace_back("x-amzn-RequestId", ctx.request_id);
    }
    plan.headers.emplace_back("Date", http_date(std::chrono::system_clock::now()));
    std::string error_code;
    if (resp.error) {
        auto rendered = render_error(*resp.error, proto, ex.service ? ex.service->xml_namespace : "", ctx.request_id);
        plan.status = resp.error_with_200 ? 200 : resp.error->status;
        plan.content_type = rendered.content_type;
        for (auto& h : rendered.headers) plan.headers.push_back(std::move(h));
        for (auto& h : resp.headers)  // what the error adds (S3's x-amz-bucket-region)
            if (h.first != "Content-Type") plan.headers.push_back(std::move(h));
        error_code = resp.error->code;
        resp.body = std::move(rendered.body);
        resp.stream.reset();
        resp.stream_length = 0;
        if (plan.head) resp.body.clear();
    } else {
        plan.status = resp.status;
        for (auto& h : resp.headers) {
            if (h.first == "Content-Type") plan.content_type = h.second;
            else plan.headers.push_back(std::move(h));
        }
        // Query responses carry the request id in the body; the placeholder keeps handlers simple.
        if (auto at = resp.body.find("{{request-id}}"); at != std::string::npos)
            resp.body.replace(at, 14, ctx.request_id);
    }
    bool ok = false;
    std::uint64_t bytes_out = co_await write_response(a, c, resp, plan, ok);

    auto latency = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started);
    a.counters().record(ctx.service, ctx.operation, plan.status, error_code, ctx.bytes_in, bytes_out, latency);
    a.request_log().write({std::chrono::system_clock::now(), ctx.request_id, ctx.service, ctx.operation,
                           ctx.principal.arn, error_code, plan.status, ctx.bytes_in, bytes_out, latency,
                           std::move(ctx.actions_checked)});
    co_return ok;
}

// Closes a connection that has been idle (between requests) for `limit`.
//
// Shared with its timer's handler, and marked `over` when the connection ends: a timer that had
// already expired when the connection ended still runs its handler, with no error, after the
// connection's frame is gone; the handler must then find a live watch that says "over", not a
// dangling `this` (a closed socket touched after free crashed localaws once).
struct idle_watch : std::enable_shared_from_this<idle_watch> {
    idle_watch(asio::any_io_executor executor, connection& conn, std::chrono::steady_clock::duration idle_limit)
        : timer(std::move(executor)), c(conn), limit(idle_limit) {}

    asio::steady_timer timer;
    connection& c;  // valid while !over
    std::chrono::steady_clock::duration limit;
    std::chrono::steady_clock::time_point last_activity = std::chrono::steady_clock::now();
    bool busy = false;
    bool over = false;

    void arm(std::chrono::steady_clock::duration after) {
        timer.expires_after(after);
        timer.async_wait([self = shared_from_this()](boost::system::error_code ec) {
            if (ec || self->over) return;  // cancelled, or the connection is over
            auto idle_for = std::chrono::steady_clock::now() - self->last_activity;
            if (self->busy || idle_for < self->limit) return self->arm(self->busy ? self->limit : self->limit - idle_for);
            boost::system::error_code ignored;
            self->c.socket.close(ignored);
        });
    }

    void end() {
        over = true;
        timer.cancel();
    }
};

}  // namespace

asio::awaitable<void> serve_connection(app& a, tcp::socket socket) {
    connection c{std::move(socket), {}, {}, false, {}};
    // Beast reads a body through this buffer, at most its free capacity per recv: left at the ~1 KiB
    // the headers needed, an upload arrived 1 KiB per syscall and per blocking-pool hop (~30 MB/s on
    // one connection, a core busy). 64 KiB per read, as Beast's own read size limit.
    c.buffer.reserve(64 * 1024);
    boost::system::error_code ignored;
    c.socket.set_option(tcp::no_delay(true), ignored);
    // A client that keeps a connection open without sending a request (or sends half a header) is
    // dropped after the idle timeout (60 s; config "server.idle_timeout_seconds"), as S3 drops idle
    // keep-alive connections. One timer per connection, armed once and not reset per request (that
    // cost a scheduler round trip each time): when it fires it looks at the last activity and re-arms
    // or closes. It runs on the connection's strand, so closing the socket from it is safe.
    auto watch = std::make_shared<idle_watch>(c.socket.get_executor(), c, a.idle_timeout());
    watch->arm(watch->limit);
    for (;;) {
        c.parser.emplace();
        c.parser->body_limit(boost::none);
        c.parser->header_limit(64 * 1024);
        c.continue_sent = false;
        watch->last_activity = std::chrono::steady_clock::now();
        auto [ec, n] = co_await http::async_read_header(c.socket, c.buffer, *c.parser, asio::as_tuple(asio::use_awaitable));
        (void)n;
        if (ec) break;
        watch->busy = true;
        bool again = co_await handle_one(a, c);
        watch->busy = false;
        if (!again) break;
    }
    watch->end();
    c.socket.shutdown(tcp::socket::shutdown_send, ignored);
    c.socket.close(ignored);
}

// Accepts with accept4(SOCK_CLOEXEC) rather than Asio's async_accept, whose accept(2) leaves the
// new socket inheritable: PostgreSQL, started by the first Data API call on a blocking thread,
// inherited the connection of that very request (and any other open one), so closing it here
// never sent the client a FIN while the postmaster lived, and a keep-alive client that had been
// idle past the timeout hung on its next request. With the flag set by the kernel as the socket is
// created there is no instant in which a concurrent fork could copy it. (The spawner also closes
// every descriptor above 2 in its child: redshift/pg/child_process.cpp.)
asio::awaitable<void> accept_loop(app& a, tcp::acceptor& acceptor) {
    // The listening socket too: an inherited one kept localaws's port bound after localaws exited.
    if (int flags = ::fcntl(acceptor.native_handle(), F_GETFD); flags >= 0)
        ::fcntl(acceptor.native_handle(), F_SETFD, flags | FD_CLOEXEC);
    // accept4 below must never block the network thread: readiness may have been taken by a
    // client that gave up (ECONNABORTED) or be spurious (EAGAIN); either way, wait again.
    boost::system::error_code nb_ec;
    acceptor.native_non_blocking(true, nb_ec);
    const tcp protocol = acceptor.local_endpoint(nb_ec).protocol();
    for (;;) {
        auto [ec] = co_await acceptor.async_wait(tcp::acceptor::wait_read, asio::as_tuple(asio::use_awaitable));
        if (ec) {
            if (ec == asio::error::operation_aborted) co_return;
            continue;
        }
        int fd = ::accept4(acceptor.native_handle(), nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) continue;
        // Each connection on its own strand: with --threads > 1 its coroutine and its idle timer
        // never run at the same time.
        tcp::socket socket(asio::make_strand(acceptor.get_executor()));
        boost::system::error_code assign_ec;
        socket.assign(protocol, fd, assign_ec);
        if (assign_ec) {
            ::close(fd);
            continue;
        }
        // Each connection's coroutine is owned by the io_context: it ends when its peer goes or the
        // context stops (localaws exits by stopping the context).
        auto executor = socket.get_executor();
        asio::co_spawn(executor, serve_connection(a, std::move(socket)), asio::detached);
    }
}

}  // namespace localaws::server
