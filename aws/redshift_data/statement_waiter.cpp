// async_wait_for: poll DescribeStatement until a statement ends. It sleeps through most of a
// typical run before the first look (the client's moving average of CreatedAt -> UpdatedAt), then
// looks again after a tenth of that, each later wait `growth` times the last, up to max_poll. A
// pipeline of similar statements costs about two DescribeStatement calls each and is seen finished
// soon after it ends; an hour-long statement costs about one call per max_poll.
#include "aws/redshift_data/redshift_data_client.hpp"

#include "engine/error.hpp"

#include <algorithm>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace shiftsync::aws::redshift_data {

namespace asio = boost::asio;
using ms = std::chrono::duration<double, std::milli>;

boost::asio::awaitable<boost::system::result<statement_description>> redshift_data_client::async_wait_for(
    const std::string& id, diagnostics& diag, const wait_policy& policy, int* polls) {
    asio::steady_timer timer(co_await asio::this_coro::executor);
    const auto deadline = std::chrono::steady_clock::now() + policy.timeout;
    const ms shortest(policy.first_poll), longest(policy.max_poll);
    const bool have_history = typical_run_ms_ > 0;
    ms wait = have_history ? std::clamp(ms(typical_run_ms_ * policy.first_fraction), shortest, longest) : shortest;
    ms after_first = have_history ? std::clamp(ms(typical_run_ms_ * 0.1), shortest, longest) : shortest * policy.growth;
    if (polls) *polls = 0;

    // Stops the statement when nobody waits for it any more (the caller cancelled, or the timeout).
    auto cancel_statement = [&](const std::string& why) -> asio::awaitable<void> {
        diagnostics cancel_diag;
        auto cancelled = co_await async_cancel_statement(id, cancel_diag);
        diag.client_note = "statement " + id + " " + why + "; " +
                           (cancelled ? std::string("cancelled it") : "CancelStatement failed: " + cancel_diag.to_string());
    };

    for (bool first = true;; first = false) {
        timer.expires_after(std::chrono::duration_cast<std::chrono::steady_clock::duration>(
            std::min(wait, ms(deadline - std::chrono::steady_clock::now()))));
        auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
        auto state = co_await asio::this_coro::cancellation_state;
        if (ec == asio::error::operation_aborted || state.cancelled() != asio::cancellation_type::none) {
            co_await asio::this_coro::reset_cancellation_state();
            co_await cancel_statement("given up by the caller");
            co_return make_error_code(engine::errc::cancelled);
        }

        auto described = co_await async_describe_statement(id, diag);
        if (polls) ++*polls;
        if (!described) co_return described.error();
        if (described->status == statement_status::finished) {
            if (described->updated_at > described->created_at) {
                double run_ms = (described->updated_at - described->created_at) * 1000.0;
                typical_run_ms_ = have_history || typical_run_ms_ > 0 ? 0.8 * typical_run_ms_ + 0.2 * run_ms : run_ms;
            }
            co_return std::move(*described);
        }
        if (described->status == statement_status::failed || described->status == statement_status::aborted) {
            diag.code = std::string(to_string(described->status));
            diag.message = described->error;
            diag.client_note = "statement " + id;
            co_return make_error_code(errc::service_error);
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            co_await cancel_statement("still " + std::string(to_string(described->status)) + " when the wait timed out");
            co_return make_error_code(engine::errc::request_timeout);
        }
        wait = first ? after_first : std::min(wait * policy.growth, longest);
    }
}

}  // namespace shiftsync::aws::redshift_data
