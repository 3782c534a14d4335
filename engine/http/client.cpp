#include "engine/http/client.hpp"

#include "engine/http/detail/client_impl.hpp"
#include "engine/http/detail/tls_context.hpp"
#include "engine/scheduler/cancellation.hpp"

namespace shiftsync::engine::http {

namespace asio = boost::asio;

client::impl::impl(asio::any_io_executor ex, client_config cfg)
    : executor(ex),
      config(std::move(cfg)),
      quota(config.retry_quota),
      limiters(config.rate_limiter),
      global_limit(ex, config.max_in_flight) {
    auto context = detail::make_tls_context(config.tls);
    if (context)
        tls.emplace(std::move(*context));
    else
        tls_error = context.error();
}

detail::endpoint_pool& client::impl::pool_for(const endpoint& where) {
    const auto key = where.key();
    auto it = pools.find(key);
    if (it == pools.end())
        it = pools
                 .emplace(key,
                          std::make_unique<detail::endpoint_pool>(executor, where, config.pool, tls ? &*tls : nullptr))
                 .first;
    return *it->second;
}

client::client(asio::any_io_executor executor, client_config config)
    : impl_(std::make_unique<impl>(std::move(executor), std::move(config))) {}

client::~client() = default;

asio::awaitable<boost::system::result<response>> client::async_send(endpoint where, request req,
                                                                    request_options options) {
    return cancellation_as_value(impl_->send(std::move(where), std::move(req), std::move(options)));
}

asio::awaitable<boost::system::result<response>> client::async_send(endpoint where, request req) {
    return async_send(std::move(where), std::move(req), request_options{});
}

const metrics_registry& client::metrics() const {
    return impl_->metrics;
}

int client::retry_quota_available() const {
    return impl_->quota.available();
}

std::optional<double> client::rate_limit(std::string_view limiter_key) const {
    const auto* limiter = impl_->limiters.find(limiter_key);
    if (!limiter || !limiter->enabled()) return std::nullopt;
    return limiter->fill_rate();
}

endpoint_stats client::stats(const endpoint& where) const {
    const auto it = impl_->pools.find(where.key());
    if (it == impl_->pools.end()) return {};
    const auto s = it->second->stats();
    return {s.open, s.idle, s.peak_open, s.opened_total, s.reused_total};
}

void client::set_rate_limit(std::string_view limiter_key, double requests_per_second) {
    impl_->limiters.preset(limiter_key, requests_per_second, requests_per_second,
                           adaptive_rate_limiter::clock::now());
}

void client::close_idle() {
    for (auto& [key, pool] : impl_->pools) pool->close_idle();
}

}  // namespace shiftsync::engine::http
