// async_wait_for: poll DescribeStatement until a statement ends, with waits that grow
// geometrically from `first_poll` to `max_poll`. A statement that ends in 30 ms is seen within a
// few ms of that; one that runs an hour costs about one DescribeStatement call per max_poll. The
// detection delay stays a bounded fraction of the statement's run time.
#include "aws/redshift_data/redshift_data_client.hpp"

#include "engine/error.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace shiftsync::aws::redshift_data {

namespace asio = boost::asio;

boost::asio::awaitable<boost::system::result<statement_description>> redshift_data_client::async_wait_for(
    const std::string& id, diagnostics& diag, const wait_policy& policy, int* polls) {
    auto executor = co_await asio::this_coro::executor;
    asio::steady_timer timer(executor);
    const auto deadline = std::chrono::steady_clock::now() + policy.timeout;
    auto wait = std::chrono::duration<double, std::milli>(policy.first_poll);
    if (polls) *polls = 0;
    for (;;) {
        auto described = co_await async_describe_statement(id, diag);
        if (polls) ++*polls;
        if (!described) co_return described.error();
        if (described->status == statement_status::finished) co_return std::move(*described);
        if (described->status == statement_status::failed || described->status == statement_status::aborted) {
            diag.code = std::string(to_string(described->status));
            diag.message = described->error;
            diag.client_note = "statement " + id;
            co_return make_error_code(errc::service_error);
        }
        auto now = std::chrono::steady_clock::now();
        if (now >= deadline) {
            // Nobody is waiting for it any more: do not leave it running on the warehouse.
            diagnostics cancel_diag;
            auto cancelled = co_await async_cancel_statement(id, cancel_diag);
            diag.client_note = "statement " + id + " still " + std::string(to_string(described->status)) +
                               " when the wait timed out; " +
                               (cancelled ? "cancelled it" : "CancelStatement failed: " + cancel_diag.to_string());
            co_return make_error_code(engine::errc::request_timeout);
        }
        wait = std::min(wait, std::chrono::duration<double, std::milli>(deadline - now));
        timer.expires_after(std::chrono::duration_cast<std::chrono::steady_clock::duration>(wait));
        auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
        auto state = co_await asio::this_coro::cancellation_state;
        if (ec == asio::error::operation_aborted || state.cancelled() != asio::cancellation_type::none) {
            // The caller gave up: do not leave the statement running on the warehouse.
            co_await asio::this_coro::reset_cancellation_state();
            diagnostics cancel_diag;
            co_await async_cancel_statement(id, cancel_diag);
            diag.client_note = "statement " + id + " cancelled by the caller";
            co_return make_error_code(engine::errc::cancelled);
        }
        wait = std::min(wait * policy.growth, std::chrono::duration<double, std::milli>(policy.max_poll));
    }
}

}  // namespace shiftsync::aws::redshift_data
