#include "tools/shiftsync/connection/s3_session.hpp"

#include "tools/shiftsync/connection/endpoint_session.hpp"

#include "engine/http/client.hpp"

#include <boost/asio/signal_set.hpp>
#include <fmt/core.h>

#include <csignal>
#include <cstdlib>

namespace shiftsync::cli {

struct s3_session::signals {
    explicit signals(boost::asio::io_context& ctx) : set(ctx, SIGINT, SIGTERM) {}
    boost::asio::signal_set set;
};

s3_session::~s3_session() = default;

std::unique_ptr<s3_session> s3_session::open(const connection_flags& flags, std::size_t max_connections) {
    std::unique_ptr<s3_session> s(new s3_session());
    engine::http::client_config http_config;
    http_config.pool.max_connections = max_connections;
    // Enough for every part request plus control calls (listing, STS refresh) beside them.
    http_config.max_in_flight = max_connections * 4 + 16;
    // A bulk copy rides out a burst of S3 throttling (SlowDown) rather than fail a 1,000-part
    // upload on one part's third 503: 8 attempts with full-jitter backoff up to 20 s each, and the
    // adaptive rate limiter slowing every request meanwhile.
    http_config.retry.max_attempts = 8;
    s->http_ = std::make_unique<engine::http::client>(s->ctx_.get_executor(), http_config);
    auto s3 = resolve_service(flags, *s->http_, aws::endpoints::service::s3, aws::wire_protocol::rest_xml);
    if (!s3) return nullptr;
    s->service_ = std::make_unique<aws::service_client>(*s->http_, s3->credentials, s3->target);
    s->s3_ = std::make_unique<aws::s3::s3_client>(*s->service_);
    return s;
}

bool s3_session::open_data_api(const connection_flags& flags) {
    auto data_api = resolve_service(flags, *http_, aws::endpoints::service::redshift_data, aws::wire_protocol::json_1_1);
    if (!data_api) return false;
    data_service_ = std::make_unique<aws::service_client>(*http_, data_api->credentials, data_api->target);
    data_ = std::make_unique<aws::redshift_data::redshift_data_client>(*data_service_);
    return true;
}

int s3_session::open_endpoint(const connection_flags& flags) {
    if (!flags.uses_endpoint()) return exit_ok;
    bool usage_error = false;
    endpoint_ = endpoint_session::open(flags, *http_, ctx_, usage_error);
    if (!endpoint_) return usage_error ? exit_usage : exit_failed;
    return exit_ok;
}

transfer::endpoint::endpoint_pool* s3_session::endpoint() { return endpoint_ ? &endpoint_->pool() : nullptr; }

void s3_session::arm_signals(std::function<void()> on_first) {
    signals_ = std::make_unique<signals>(ctx_);
    signals_->set.async_wait([this, on_first = std::move(on_first)](const boost::system::error_code& ec, int) {
        if (ec) return;
        fmt::print(stderr, "\nshiftsync: interrupted; cancelling what is in flight and cleaning up "
                           "(press Ctrl-C again to quit at once)\n");
        on_first();
        signals_->set.async_wait([](const boost::system::error_code& again, int) {
            if (!again) std::_Exit(exit_interrupted);
        });
    });
}

void s3_session::run_until(const bool& done) {
    // Pooled connections keep the context busy, so run until the task is done, not until idle.
    while (!done) {
        if (ctx_.stopped()) ctx_.restart();
        ctx_.run_one();
    }
    if (signals_) {
        boost::system::error_code ignored;
        signals_->set.cancel(ignored);
        signals_->set.clear(ignored);
    }
}

std::uint64_t s3_session::retries() const {
    std::uint64_t total = 0;
    for (const auto& row : http_->metrics().snapshot()) total += row.retries();
    return total;
}

}  // namespace shiftsync::cli
