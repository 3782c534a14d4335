#include "aws/credentials/assume_role_provider.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace shiftsync::aws {
namespace {

namespace asio = boost::asio;

class assume_role_provider final : public credentials_provider {
public:
    assume_role_provider(std::shared_ptr<service_client> sts, assume_role_settings settings)
        : sts_(std::move(sts)), settings_(std::move(settings)) {
        if (settings_.role.role_session_name.empty()) settings_.role.role_session_name = "shiftsync";
    }

    asio::awaitable<boost::system::result<credentials_ptr>> async_get(diagnostics& diag) override {
        for (;;) {
            auto left = cached_ ? *cached_->expiration - settings_.now() : std::chrono::system_clock::duration::min();
            if (cached_ && left > settings_.refresh_ahead) co_return cached_;
            if (cached_ && left > settings_.block_ahead && refreshing_) co_return cached_;
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

    void invalidate() override { cached_.reset(); }

    std::string describe() const override {
        return "assume role " + settings_.role.role_arn +
               (settings_.role.external_id.empty() ? " (no ExternalId)" : " (ExternalId sent)");
    }

private:
    asio::awaitable<boost::system::result<credentials_ptr>> refresh(diagnostics& diag) {
        refreshing_ = true;
        sts::sts_client client(*sts_);
        sts::assume_role_request request{settings_.role.role_arn, settings_.role.role_session_name,
                                         settings_.role.external_id, settings_.role.duration};
        auto result = co_await client.async_assume_role(request, diag);
        refreshing_ = false;
        ++generation_;
        if (result) {
            cached_ = std::make_shared<const timed_credentials>(std::move(result->credentials));
        } else {
            // Keep still-valid keys for the callers that can wait out a failed early refresh.
            if (cached_ && *cached_->expiration <= settings_.now()) cached_.reset();
            last_error_ = result.error();
            last_failure_ = diag;
        }
        if (waiters_) waiters_->cancel();  // wake everyone waiting for this refresh
        if (!result) co_return result.error();
        co_return cached_;
    }

    asio::awaitable<void> wait_for_refresh() {
        if (!waiters_) waiters_.emplace(co_await asio::this_coro::executor, asio::steady_timer::time_point::max());
        co_await waiters_->async_wait(asio::as_tuple(asio::use_awaitable));
    }

    std::shared_ptr<service_client> sts_;
    assume_role_settings settings_;
    credentials_ptr cached_;
    bool refreshing_ = false;
    std::uint64_t generation_ = 0;  // refreshes finished, successful or not
    std::optional<asio::steady_timer> waiters_;
    boost::system::error_code last_error_;
    diagnostics last_failure_;
};

}  // namespace

std::shared_ptr<credentials_provider> make_assume_role_provider(std::shared_ptr<service_client> sts,
                                                                assume_role_settings settings) {
    return std::make_shared<assume_role_provider>(std::move(sts), std::move(settings));
}

}  // namespace shiftsync::aws
