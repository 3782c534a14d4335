#include "aws/client/service_client.hpp"

#include "aws/error/retry_classification.hpp"
#include "aws/protocol/json_protocol.hpp"
#include "aws/protocol/query_protocol.hpp"
#include "aws/protocol/rest_xml_protocol.hpp"
#include "sigv4/sha256.hpp"
#include "sigv4/signer.hpp"

#include <boost/asio/this_coro.hpp>

namespace shiftsync::aws {
namespace {

namespace http = engine::http;

bool success(const http::response& r, wire_protocol protocol) {
    if (r.status < 200 || r.status >= 300) return false;
    // S3 can answer 200 with an <Error> body (CompleteMultipartUpload, CopyObject).
    return !(protocol == wire_protocol::rest_xml && !r.body.empty() && rest_xml_protocol::is_error_document(r.body));
}

const std::string* header(const http::response& r, std::string_view name) { return r.headers.find(name); }

std::string request_id_of(const http::response& r) {
    for (auto name : {"x-amzn-RequestId", "x-amz-request-id", "x-amzn-requestid"})
        if (const std::string* v = header(r, name)) return *v;
    return {};
}

void fill_diagnostics(wire_protocol protocol, const http::response& r, diagnostics& diag) {
    diag.http_status = r.status;
    diag.request_id = request_id_of(r);
    switch (protocol) {
        case wire_protocol::json_1_1: {
            const std::string* type = header(r, "x-amzn-ErrorType");
            json_protocol::parse_error(r.body, type ? *type : std::string_view{}, diag);
            break;
        }
        case wire_protocol::query:
            if (!query_protocol::parse_error(r.body, diag)) diag.code = "HTTP" + std::to_string(r.status);
            break;
        case wire_protocol::rest_xml:
            rest_xml_protocol::parse_error(r.status, r.body, diag.request_id, diag);
            if (const std::string* region = header(r, "x-amz-bucket-region"); region && diag.resource_region.empty())
                diag.resource_region = *region;
            break;
    }
}

// S3 answers a request signed for the wrong region with 301 PermanentRedirect or 400
// AuthorizationHeaderMalformed, naming the bucket's region: say which, and what to do.
bool is_wrong_region(diagnostics& diag, std::string_view signed_for) {
    if (diag.resource_region.empty() || diag.resource_region == signed_for) return false;
    if (diag.http_status != 301 && diag.http_status != 400 && diag.http_status != 403) return false;
    diag.client_note = "the bucket is in region " + diag.resource_region + ", and this request was signed for " +
                       std::string(signed_for) + ": use --region " + diag.resource_region + " (or a bucket in " +
                       std::string(signed_for) + ")";
    return true;
}

engine::failure_kind to_engine(retry_kind kind) {
    switch (kind) {
        case retry_kind::none: return engine::failure_kind::none;
        case retry_kind::transient: return engine::failure_kind::transient;
        case retry_kind::throttling: return engine::failure_kind::throttling;
        case retry_kind::refresh_credentials: return engine::failure_kind::fatal;  // handled above the engine
    }
    return engine::failure_kind::fatal;
}

http::classifier_fn classifier_for(wire_protocol protocol) {
    return [protocol](const http::attempt_result& attempt) -> engine::failure_kind {
        if (attempt.error || !attempt.reply) return http::default_classifier(attempt);
        const http::response& r = *attempt.reply;
        if (success(r, protocol)) return engine::failure_kind::none;
        unsigned status = r.status >= 200 && r.status < 300 ? 200 : r.status;
        return to_engine(classify_aws_error(status, error_code_of(protocol, r)));
    };
}

// One signer per thread: it caches signing keys and reuses its buffers.
sigv4::signer& thread_signer() {
    thread_local sigv4::signer signer;
    return signer;
}

}  // namespace

std::string error_code_of(wire_protocol protocol, const http::response& reply) {
    diagnostics d;
    fill_diagnostics(protocol, reply, d);
    return d.code;
}

std::map<std::string, double> published_rate_limits(endpoints::service service) {
    if (service == endpoints::service::redshift_data)
        return {{"ExecuteStatement", 30}, {"DescribeStatement", 100}, {"GetStatementResult", 20}};
    return {};
}

service_client::service_client(http::client& http, std::shared_ptr<credentials_provider> credentials,
                               service_target target)
    : http_(http),
      credentials_(std::move(credentials)),
      target_(std::move(target)),
      account_(credentials_ ? credentials_->account_hint() : std::string{}) {
    if (!target_.rate_limits) target_.rate_limits = published_rate_limits(target_.service);
    // A limiter already set (by another client of the same account) keeps its rate and what it
    // learnt from throttles: a new client must not reset the account's shared limiter.
    for (const auto& [operation, rate] : *target_.rate_limits) {
        const auto key = limiter_key(operation);
        if (!http_.rate_limit(key)) http_.set_rate_limit(key, rate * target_.quota_share);
    }
}

std::string service_client::limiter_key(std::string_view operation) const {
    return std::string(endpoints::names_of(target_.service).signing_name) + ":" + target_.region + ":" + account_ +
           ":" + std::string(operation);
}

boost::asio::awaitable<boost::system::result<http::response>> service_client::async_call(service_call call,
                                                                                         diagnostics& diag) {
    diag.service = std::string(endpoints::names_of(target_.service).signing_name);
    diag.operation = call.operation;
    auto result = co_await attempt(call, diag);
    if (!result && result.error() == make_error_code(errc::expired_credentials)) {
        // The service saw expired credentials although our cache thought them fresh (clock skew, a
        // revoked session): drop them and try once more with new ones.
        credentials_->invalidate();
        diagnostics again{.service = diag.service, .operation = diag.operation};
        result = co_await attempt(call, again);
        diag = std::move(again);
    }
    co_return result;
}

// What the signing hook leaves behind for the call: why it failed, if it did.
struct service_client::signing_state {
    std::string host_header;   // as the engine sends it
    std::string payload_hash;  // hashed once per call, not per attempt
    enum class failure { none, no_credentials, empty_credentials } failed = failure::none;
    diagnostics credentials_diag;  // the provider's, when it failed
};

namespace {

std::string payload_hash_of(const service_call& call) {
    if (!call.payload_hash.empty()) return call.payload_hash;
    if (const auto* buffer = std::get_if<http::buffer_source>(&call.body); buffer && buffer->bytes)
        return sigv4::to_hex(sigv4::sha256_of(*buffer->bytes));
    if (std::holds_alternative<http::no_body>(call.body)) return std::string(sigv4::empty_payload_sha256);
    return std::string(sigv4::unsigned_payload);
}

// One call's attempts as its observer hears of them. It lives in the frame of
// service_client::attempt, which outlives the engine call whose hooks write to it.
struct observation {
    call_observer* observer = nullptr;
    std::string_view service;
    std::string_view operation;
    engine::failure_kind last = engine::failure_kind::none;  // how the latest attempt ended
    unsigned status = 0;
    std::string request_id;

    call_event event(int attempt) const {
        return {.service = service, .operation = operation, .attempt = attempt, .why = last, .http_status = status,
                .request_id = request_id};
    }
};

boost::asio::awaitable<boost::system::error_code> nothing_to_prepare() { co_return boost::system::error_code{}; }

// The engine runs the classifier after every attempt and the prepare hook before every attempt:
// wrapped, the first reports throttling answers and the second, from attempt 2 on, the retry the
// engine decided on (a request it gave up on never reaches a next prepare).
void observe(http::request_options& opts, observation& seen) {
    opts.classify = [classify = std::move(opts.classify), &seen](const http::attempt_result& a) {
        const engine::failure_kind kind = classify(a);
        seen.last = kind;
        seen.status = a.reply ? a.reply->status : 0;
        seen.request_id = a.reply ? request_id_of(*a.reply) : std::string{};
        if (kind == engine::failure_kind::throttling) seen.observer->on_throttle(seen.event(a.reply ? a.reply->attempts : 0));
        return kind;
    };
    // Not a coroutine itself (a lambda coroutine's captures die with the lambda object): it reports,
    // then returns the wrapped hook's awaitable.
    opts.prepare = [inner = std::move(opts.prepare), &seen](http::request& r, int attempt_number) {
        if (attempt_number > 1) seen.observer->on_retry(seen.event(attempt_number));
        if (inner) return inner(r, attempt_number);
        return nothing_to_prepare();
    };
}

}  // namespace

// Adds X-Amz-Date, the session token, x-amz-content-sha256 (S3) and Authorization to `req`, signing
// the headers exactly as the engine will send them (Host included). False: empty credentials.
bool service_client::sign_request(http::request& req, const std::string& host_header, const std::string& payload_hash,
                                  const service_call& call, const sigv4::credentials& creds) const {
    std::vector<sigv4::header_view> to_sign;
    to_sign.reserve(req.headers.size() + 1);
    to_sign.push_back({"Host", host_header});
    for (const auto& h : req.headers) to_sign.push_back({h.name, h.value});
    bool s3 = target_.service == endpoints::service::s3;
    auto now = std::chrono::system_clock::now();
    auto options = s3 ? sigv4::signing_options::for_s3(target_.region, now)
                      : sigv4::signing_options::for_service(endpoints::names_of(target_.service).signing_name,
                                                            target_.region, now);
    options.payload_hash = payload_hash;
    sigv4::signature sig;
    std::string path_only = req.target.substr(0, req.target.find('?'));
    if (thread_signer().sign({req.method, path_only, call.query, to_sign}, creds, options, sig) !=
        sigv4::sign_error::none)
        return false;
    for (auto& h : sig.headers_to_add) req.headers.set(h.name, h.value);
    return true;
}

boost::asio::awaitable<boost::system::error_code> service_client::sign_attempt(http::request& req, int attempt_number,
                                                                               const service_call& call,
                                                                               signing_state& state) {
    if (call.options.prepare) {
        // The caller's own step first: what it adds is signed too.
        if (auto ec = co_await call.options.prepare(req, attempt_number)) co_return ec;
    }
    // Getting credentials may itself call STS: keep its diagnostics apart, so that this call's
    // are not mislabelled as the AssumeRole's, and report them only if getting them failed.
    diagnostics credentials_diag;
    auto got = co_await credentials_->async_get(credentials_diag);
    if (!got) {
        state.failed = signing_state::failure::no_credentials;
        state.credentials_diag = std::move(credentials_diag);
        co_return got.error();
    }
    if (!sign_request(req, state.host_header, state.payload_hash, call, (*got)->creds)) {
        state.failed = signing_state::failure::empty_credentials;
        co_return make_error_code(errc::missing_credentials);
    }
    co_return boost::system::error_code{};
}

boost::asio::awaitable<boost::system::result<http::response>> service_client::attempt(const service_call& call,
                                                                                      diagnostics& diag) {
    const endpoints::endpoint& ep = target_.endpoint;
    http::endpoint where{ep.scheme == "https" ? http::scheme::https : http::scheme::http,
                         call.host.empty() ? ep.host : call.host, ep.port};
    endpoints::endpoint host_form = ep;
    host_form.host = where.host;

    http::request req;
    req.method = call.method;
    req.target = ep.base_path + call.path;
    if (!call.query.empty()) req.target += "?" + call.query;
    req.headers = call.headers;
    req.body = call.body;

    http::request_options opts = call.options;
    opts.operation = diag.service + "." + call.operation;
    if (!opts.classify) opts.classify = classifier_for(target_.protocol);
    if (opts.limiter_key.empty()) opts.limiter_key = limiter_key(call.operation);

    // Lives in this frame, which outlives the engine call the hook runs in.
    signing_state signing;
    if (!call.anonymous) {
        signing.host_header = host_form.host_header();
        signing.payload_hash = payload_hash_of(call);
        opts.prepare = [this, &call, &signing](http::request& r, int attempt_number) {
            return sign_attempt(r, attempt_number, call, signing);
        };
    }

    observation seen{.observer = observer_.get(), .service = diag.service, .operation = call.operation};
    if (observer_) observe(opts, seen);

    auto reply = co_await http_.async_send(where, std::move(req), std::move(opts));
    if (!reply) {
        switch (signing.failed) {
            case signing_state::failure::no_credentials:
                diag = std::move(signing.credentials_diag);
                if (diag.client_note.empty()) diag.client_note = "no credentials from " + credentials_->describe();
                break;
            case signing_state::failure::empty_credentials:
                diag.client_note = "the credentials from " + credentials_->describe() + " are empty";
                break;
            case signing_state::failure::none:
                diag.client_note = "no answer from " + where.key() + " (" + reply.error().message() + ")";
                break;
        }
        co_return reply.error();
    }
    if (success(*reply, target_.protocol)) co_return std::move(*reply);
    fill_diagnostics(target_.protocol, *reply, diag);
    if (is_wrong_region(diag, target_.region)) co_return make_error_code(errc::wrong_region);
    co_return make_error_code(errc_for_aws_code(diag.code, reply->status));
}

}  // namespace shiftsync::aws
