#include "transfer/endpoint/credential_cache.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace shiftsync::transfer::endpoint {

namespace asio = boost::asio;
namespace rs = aws::redshift_serverless;
using boost::system::result;

// One GetCredentials call that others wait for: they sleep on `done` until the caller cancels it.
struct credential_cache::fetch {
    explicit fetch(asio::any_io_executor executor) : done(executor, asio::steady_timer::time_point::max()) {}
    asio::steady_timer done;
    std::optional<result<rs::database_credentials>> outcome;
    aws::diagnostics diag;
};

bool credential_cache::fresh() const {
    if (!cached_) return false;
    auto refresh_at = cached_->next_refresh_time.value_or(cached_->expiration - std::chrono::minutes(5));
    // Never past the expiration, whatever nextRefreshTime says.
    refresh_at = std::min(refresh_at, cached_->expiration - std::chrono::seconds(30));
    return now_() < refresh_at;
}

asio::awaitable<result<rs::database_credentials>> credential_cache::async_current(aws::diagnostics& diag) {
    if (fresh()) co_return *cached_;
    if (auto pending = in_flight_) {
        boost::system::error_code ignored;
        co_await pending->done.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
        if (!pending->outcome) co_return make_error_code(asio::error::operation_aborted);
        if (!*pending->outcome) diag = pending->diag;
        co_return *pending->outcome;
    }
    auto executor = co_await asio::this_coro::executor;
    auto mine = std::make_shared<fetch>(executor);
    in_flight_ = mine;
    ++fetches_;
    auto got = co_await serverless_.async_get_credentials(request_, mine->diag);
    in_flight_.reset();
    if (got) cached_ = *got;
    mine->outcome = got;
    mine->done.cancel();
    if (!got) diag = mine->diag;
    co_return got;
}

void credential_cache::forget(const std::string& password) {
    if (cached_ && cached_->db_password == password) cached_.reset();
}

}  // namespace shiftsync::transfer::endpoint
