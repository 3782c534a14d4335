#include "engine/http/detail/endpoint_pool.hpp"

namespace shiftsync::engine::http::detail {

namespace asio = boost::asio;

lease& lease::operator=(lease&& other) noexcept {
    if (this != &other) {
        if (conn_) release(false);
        pool_ = std::exchange(other.pool_, nullptr);
        conn_ = std::move(other.conn_);
    }
    return *this;
}

lease::~lease() {
    if (conn_) release(false);
}

void lease::release(bool reusable) {
    if (conn_ && pool_) pool_->give_back(std::move(conn_), reusable);
}

endpoint_pool::endpoint_pool(asio::any_io_executor executor, endpoint where, pool_limits limits,
                             asio::ssl::context* tls)
    : where_(std::move(where)), tls_(tls), state_(limits), admission_(std::move(executor), limits.max_connections) {}

void endpoint_pool::close_expired() {
    // Idle trimming is lazy, on each checkout: no background task to own, and an idle client costs
    // nothing. close_idle() releases everything at once when a caller goes quiet for good.
    for (const auto id : state_.trim(pool_state::clock::now())) idle_.erase(id);
}

std::optional<lease> endpoint_pool::try_reuse() {
    close_expired();
    if (state_.idle() == 0) return std::nullopt;
    const auto decision = state_.checkout();
    auto node = idle_.extract(decision.id);
    node.mapped()->reused = true;
    return lease(this, std::move(node.mapped()));
}

asio::awaitable<boost::system::result<lease>> endpoint_pool::async_checkout(bool fresh, const deadlines& limits,
                                                                            const deadline_budget& budget) {
    close_expired();
    const auto decision = fresh ? state_.checkout_fresh() : state_.checkout();
    if (decision.evicted) idle_.erase(decision.evicted);
    if (decision.what == pool_state::action::reuse) {
        auto node = idle_.extract(decision.id);
        node.mapped()->reused = true;
        co_return lease(this, std::move(node.mapped()));
    }
    if (decision.what == pool_state::action::no_slot)
        co_return make_error_code(boost::system::errc::resource_unavailable_try_again);

    auto opened = co_await async_open(decision.id, where_, tls_, limits, budget);
    if (!opened) {
        state_.on_open_failed(decision.id);
        co_return opened.error();
    }
    state_.on_opened(decision.id);
    co_return lease(this, std::move(*opened));
}

void endpoint_pool::give_back(std::unique_ptr<connection> conn, bool reusable) {
    const auto id = conn->id();
    state_.on_released(id, reusable, pool_state::clock::now());
    // Not reusable: the unique_ptr closes the socket here. For TLS there is no close_notify
    // exchange: HTTP/1.1 frames every body (Content-Length or chunked), so a truncation attack
    // cannot pass for a complete response, and a shutdown handshake would be one more step that
    // can hang on a peer that has already gone.
    if (reusable) idle_.emplace(id, std::move(conn));
}

void endpoint_pool::close_idle() {
    for (const auto id : state_.drain_idle()) idle_.erase(id);
}

pool_stats endpoint_pool::stats() const {
    return {.open = state_.open_or_opening(),
            .idle = state_.idle(),
            .peak_open = state_.peak_open(),
            .opened_total = state_.opened_total(),
            .reused_total = state_.reused_total()};
}

}  // namespace shiftsync::engine::http::detail
