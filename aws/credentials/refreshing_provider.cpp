#include "aws/credentials/refreshing_provider.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace shiftsync::aws {

namespace asio = boost::asio;

asio::awaitable<boost::system::result<credentials_ptr>> refreshing_provider::async_get(diagnostics& diag) {
    for (;;) {
        if (cached_ && !cached_->expiration) co_return cached_;
        auto left = cached_ ? *cached_->expiration - timing_.now() : std::chrono::system_clock::duration::min();
        if (cached_ && left > timing_.refresh_ahead) co_return cached_;
        if (cached_ && left > timing_.block_ahead && refreshing_) co_return cached_;
        if (!refreshing_) co_return co_await refresh(diag);
        // Someone else's refresh is in flight and ours are too old to use: wait for it, and take
        // what it brought (re-judging fresh keys by our clock could start a refresh storm).
        std::uint64_t generation = generation_;
        co_await wait_for_refresh();
        if (generation_ != generation) {
            if (cached_) co_return cached_;
            diag = last_failure_;
            co_return last_error_;
        }
    }
}

asio::awaitable<boost::system::result<credentials_ptr>> refreshing_provider::refresh(diagnostics& diag) {
    refreshing_ = true;
    auto fetched = co_await async_fetch(diag);
    refreshing_ = false;
    ++generation_;
    if (fetched) {
        cached_ = std::make_shared<const timed_credentials>(std::move(*fetched));
    } else {
        // Keep still-valid keys for the callers that can wait out a failed early refresh.
        if (cached_ && cached_->expiration && *cached_->expiration <= timing_.now()) cached_.reset();
        last_error_ = fetched.error();
        last_failure_ = diag;
    }
    if (waiters_) waiters_->cancel();  // wake everyone waiting for this refresh
    if (!fetched) co_return fetched.error();
    co_return cached_;
}

asio::awaitable<void> refreshing_provider::wait_for_refresh() {
    if (!waiters_) waiters_.emplace(co_await asio::this_coro::executor, asio::steady_timer::time_point::max());
    co_await waiters_->async_wait(asio::as_tuple(asio::use_awaitable));
}

}  // namespace shiftsync::aws
