#pragma once
// The caching every temporary-credentials provider shares (assumed roles, web identity, container
// and EC2 metadata credentials):
//   - more than `refresh_ahead` (15 min) left: the cached keys are used as they are;
//   - between `block_ahead` (10 min) and that: the first caller refreshes, everyone else keeps
//     using the cached keys meanwhile;
//   - less than `block_ahead` left, or nothing cached: every caller waits for the one refresh in
//     flight, and takes what it brought.
// However many coroutines ask at once, one fetch is made. Keys without an expiration are kept.

#include "aws/credentials/credentials_provider.hpp"

#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>

namespace shiftsync::aws {

struct refresh_timing {
    std::chrono::seconds refresh_ahead{15 * 60};
    std::chrono::seconds block_ahead{10 * 60};
    std::function<std::chrono::system_clock::time_point()> now = [] { return std::chrono::system_clock::now(); };
};

class refreshing_provider : public credentials_provider {
public:
    boost::asio::awaitable<boost::system::result<credentials_ptr>> async_get(diagnostics& diag) final;
    void invalidate() final { cached_.reset(); }

protected:
    explicit refreshing_provider(refresh_timing timing) : timing_(std::move(timing)) {}

    // One fetch of fresh credentials from the source (STS, a metadata endpoint, ...).
    virtual boost::asio::awaitable<boost::system::result<timed_credentials>> async_fetch(diagnostics& diag) = 0;

private:
    boost::asio::awaitable<boost::system::result<credentials_ptr>> refresh(diagnostics& diag);
    boost::asio::awaitable<void> wait_for_refresh();

    refresh_timing timing_;
    credentials_ptr cached_;
    bool refreshing_ = false;
    std::uint64_t generation_ = 0;  // refreshes finished, successful or not
    std::optional<boost::asio::steady_timer> waiters_;
    boost::system::error_code last_error_;
    diagnostics last_failure_;
};

}  // namespace shiftsync::aws
