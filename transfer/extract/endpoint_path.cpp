// extract on the workgroup's endpoint: the small statements (EXPLAIN, LIMIT 0) on a pooled
// connection; the query's rows through a cursor (BEGIN; DECLARE … NO SCROLL CURSOR; FETCH FORWARD n
// …; CLOSE; COMMIT), so memory stays bounded by the fetch size however large the result — the next
// FETCH is already on its way while a page is converted and written; UNLOAD as a statement on the
// connection, waited for until the server has ended it even after a cancellation.

#include "engine/scheduler/task_group.hpp"
#include "transfer/endpoint/endpoint_statement.hpp"
#include "transfer/extract/data_api_rows.hpp"
#include "transfer/extract/paths.hpp"
#include "transfer/extract/unload_statement.hpp"
#include "transfer/s3/transfer_error.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace shiftsync::transfer::extract::detail {

namespace asio = boost::asio;
namespace rd = aws::redshift_data;
namespace ep = transfer::endpoint;
using boost::system::result;

namespace {

// Rows per FETCH: a page of a few MB for typical rows; two pages are in memory at most.
constexpr int rows_per_fetch = 10'000;
const char* const cursor_name = "shiftsync_extract";

asio::awaitable<result<ep::connection_lease>> lease(extract_environment& env, aws::diagnostics& diag) {
    auto got = co_await env.endpoint->async_acquire(diag);
    co_return got;
}

asio::awaitable<result<ep::statement_outcome>> run(extract_environment& env, ep::connection_lease& on, std::string sql,
                                                   aws::diagnostics& diag) {
    auto done = co_await ep::async_run_statement(on, std::move(sql), env.endpoint->settings(), diag);
    co_return done;
}

// FETCHes until the cursor is exhausted, each page written while the next is fetched.
asio::awaitable<result<void>> fetch_all(extract_environment& env, ep::connection_lease& on, row_sink& sink,
                                        extract_stats& stats, aws::diagnostics& diag) {
    const std::string fetch = "FETCH FORWARD " + std::to_string(rows_per_fetch) + " FROM " + cursor_name;
    rows::schema columns;
    bool opened = false;
    page_failure failure;
    {
        engine::task_group writes(co_await asio::this_coro::executor, 1);
        for (;;) {
            auto page = co_await run(env, on, fetch, diag);
            ++stats.result_pages;
            if (!page) {
                co_await writes.async_wait();
                co_return page.error();
            }
            if (!opened) {
                columns = schema_of(page->page.columns);
                auto open = co_await sink.async_open(columns, 1);
                if (!open) {
                    diag.client_note = sink.failure();
                    co_return open.error();
                }
                opened = true;
            }
            const bool last = page->page.rows.size() < static_cast<std::size_t>(rows_per_fetch);
            auto shared = std::make_shared<rd::result_page>(std::move(page->page));
            auto task = write_page(env, sink, columns, std::move(shared), failure);
            co_await writes.async_spawn(std::move(task));
            if (last || failure.error) break;
        }
        co_await writes.async_wait();
    }
    if (failure.error) {
        diag.client_note = failure.note;
        co_return failure.error;
    }
    co_return result<void>{};
}

// After a cancellation: a statement sent behind the cancelled one returns only once the server
// has ended it (results come back in order). Up to a minute.
asio::awaitable<void> wait_until_idle(extract_environment& env, ep::connection_lease& on) {
    co_await asio::this_coro::reset_cancellation_state();
    auto executor = co_await asio::this_coro::executor;
    asio::cancellation_signal give_up;
    asio::steady_timer deadline(executor, std::chrono::minutes(1));
    deadline.async_wait([&give_up](boost::system::error_code ec) {
        if (!ec) give_up.emit(asio::cancellation_type::terminal);
    });
    aws::diagnostics ignored;
    std::string probe = "SELECT 1";
    auto probing = run(env, on, std::move(probe), ignored);
    auto until = asio::bind_cancellation_slot(give_up.slot(), asio::use_awaitable);
    auto done = co_await asio::co_spawn(executor, std::move(probing), until);
    deadline.cancel();
    // Any answer (an error too: the transaction may be aborted) means the server got this far.
    if (!done && done.error() == engine::pg::errc::cancelled && env.warn)
        env.warn("the statement cancelled on the endpoint had not ended a minute later; files it writes later are "
                 "not removed");
}

}  // namespace

asio::awaitable<result<rd::result_page>> first_page(extract_environment& env, const extract_request& request,
                                                    std::string sql, int& polls, aws::diagnostics& diag) {
    if (!env.endpoint) {
        auto done = co_await run_statement(env, request, std::move(sql), polls, diag);
        if (!done) co_return done.error();
        const std::string no_token;
        auto page = co_await env.data.async_get_statement_result(done->id, no_token, diag);
        co_return page;
    }
    auto page = co_await ep::async_query_page(*env.endpoint, std::move(sql), diag);
    co_return page;
}

asio::awaitable<result<void>> read_by_endpoint(extract_environment& env, const extract_request& request,
                                               row_sink& sink, extract_stats& stats, aws::diagnostics& diag) {
    auto running = std::chrono::steady_clock::now();
    say_phase(env, "statement");
    auto on = co_await lease(env, diag);
    if (!on) co_return on.error();
    std::string begin = "BEGIN";
    auto begun = co_await run(env, *on, std::move(begin), diag);
    if (!begun) co_return begun.error();
    std::string declare = std::string("DECLARE ") + cursor_name + " NO SCROLL CURSOR FOR " + trim_query(request.sql);
    auto declared = co_await run(env, *on, std::move(declare), diag);
    stats.seconds_statement = seconds_since(running);
    result<void> outcome = result<void>{};
    if (!declared) {
        outcome = declared.error();
    } else {
        auto transferring = std::chrono::steady_clock::now();
        say_phase(env, "transfer");
        outcome = co_await fetch_all(env, *on, sink, stats, diag);
        stats.seconds_transfer = seconds_since(transferring);
    }
    // COMMIT after success; ROLLBACK after anything else (a cancellation included: it waits for the
    // server first). The cursor ends with the transaction. A connection that cannot end it is not reused.
    if (!outcome) co_await wait_until_idle(env, *on);
    aws::diagnostics end_diag;
    std::string end = outcome ? "COMMIT" : "ROLLBACK";
    auto ended = co_await run(env, *on, std::move(end), end_diag);
    if (!ended) {
        (*on)->close();
        if (outcome) {
            diag = end_diag;
            co_return ended.error();
        }
    }
    co_return outcome;
}

asio::awaitable<result<void>> run_on_endpoint(extract_environment& env, std::string sql, aws::diagnostics& diag) {
    auto on = co_await lease(env, diag);
    if (!on) co_return on.error();
    auto done = co_await run(env, *on, std::move(sql), diag);
    if (done) co_return result<void>{};
    if (done.error() == engine::pg::errc::cancelled) co_await wait_until_idle(env, *on);
    co_return done.error();
}

}  // namespace shiftsync::transfer::extract::detail
