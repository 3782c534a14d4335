// async_wait_for: look at a statement (DescribeStatement) until it ends, when poll_schedule says.
// The schedule is learned from this client's finished statements, so a pipeline of similar
// statements costs about one DescribeStatement each and is seen finished soon after it ends.
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
    // While nothing is learned, the first few waits are scouts (poll_schedule.hpp).
    // (A wait on a fixed share of its time neither scouts nor holds back.)
    const bool scout = policy.look_share == 0 && run_times_.empty() && active_scouts_ < policy.cold_start_scouts;
    if (scout) ++active_scouts_;
    auto result = co_await look_until_done(id, diag, policy, polls, scout);
    if (scout) --active_scouts_;
    co_return result;
}

boost::asio::awaitable<boost::system::result<statement_description>> redshift_data_client::look_until_done(
    const std::string& id, diagnostics& diag, const wait_policy& policy, int* polls, bool scout) {
    asio::steady_timer timer(co_await asio::this_coro::executor);
    const auto began = std::chrono::steady_clock::now();
    const auto deadline = began + policy.timeout;
    poll_schedule schedule(policy, run_times_, scout);
    if (polls) *polls = 0;

    // Stops the statement when nobody waits for it any more (the caller cancelled, or the timeout).
    auto cancel_statement = [&](const std::string& why) -> asio::awaitable<void> {
        diagnostics cancel_diag;
        auto cancelled = co_await async_cancel_statement(id, cancel_diag);
        diag.client_note = "statement " + id + " " + why + "; " +
                           (cancelled ? std::string("cancelled it") : "CancelStatement failed: " + cancel_diag.to_string());
    };

    for (;;) {
        const poll_schedule::step step = schedule.next(ms(std::chrono::steady_clock::now() - began).count());
        const auto sleep = std::min(std::chrono::duration_cast<std::chrono::steady_clock::duration>(ms(step.sleep_ms)),
                                    deadline - std::chrono::steady_clock::now());
        timer.expires_after(sleep);
        auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
        auto state = co_await asio::this_coro::cancellation_state;
        if (ec == asio::error::operation_aborted || state.cancelled() != asio::cancellation_type::none) {
            co_await asio::this_coro::reset_cancellation_state();
            const std::string why = "given up by the caller";
            co_await cancel_statement(why);
            co_return make_error_code(engine::errc::cancelled);
        }
        const bool timed_out = std::chrono::steady_clock::now() >= deadline;
        if (!step.look && !timed_out) continue;

        auto described = co_await async_describe_statement(id, diag);
        if (polls) ++*polls;
        if (!described) {
            // Cancelled while this DescribeStatement was in flight: the statement still runs, so stop it
            // as a cancel during the pause above would.
            auto now = co_await asio::this_coro::cancellation_state;
            const bool given_up = now.cancelled() != asio::cancellation_type::none ||
                                  described.error() == make_error_code(engine::errc::cancelled);
            if (!given_up) co_return described.error();
            co_await asio::this_coro::reset_cancellation_state();
            const std::string why = "given up by the caller";
            co_await cancel_statement(why);
            co_return make_error_code(engine::errc::cancelled);
        }
        if (described->status == statement_status::finished) {
            if (described->updated_at > described->created_at)
                run_times_.record((described->updated_at - described->created_at) * 1000.0);
            co_return std::move(*described);
        }
        if (described->status == statement_status::failed || described->status == statement_status::aborted) {
            diag.code = std::string(to_string(described->status));
            diag.message = described->error;
            diag.client_note = "statement " + id;
            co_return make_error_code(errc::service_error);
        }
        if (timed_out) {
            const std::string why = "still " + std::string(to_string(described->status)) + " when the wait timed out";
            co_await cancel_statement(why);
            co_return make_error_code(engine::errc::request_timeout);
        }
        schedule.missed(ms(std::chrono::steady_clock::now() - began).count(), described->status);
    }
}

}  // namespace shiftsync::aws::redshift_data
