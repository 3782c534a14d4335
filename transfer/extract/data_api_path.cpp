// extract's data-api path: the statement, then its pages, converted on the CPU pool and written
// while the next page is fetched (one page in conversion at a time keeps the order).

#include "engine/scheduler/task_group.hpp"
#include "transfer/extract/data_api_rows.hpp"
#include "transfer/extract/paths.hpp"
#include "transfer/s3/transfer_error.hpp"

#include <boost/asio/this_coro.hpp>

namespace shiftsync::transfer::extract::detail {

namespace asio = boost::asio;
namespace rd = aws::redshift_data;
using boost::system::result;

namespace {

void explain_failure(const std::string& statement_id, aws::diagnostics& diag) {
    if (diag.message.find("100 MB") != std::string::npos)
        diag.client_note = "The Data API caps a result at 100 MB: extract it by UNLOAD instead (--via unload with "
                           "--staging s3://<bucket>/<prefix>/, the guide's staging bucket).";
    if (diag.client_note.find(statement_id) == std::string::npos && !statement_id.empty())
        diag.client_note += (diag.client_note.empty() ? "" : " ") + std::string("(statement ") + statement_id + ")";
}

}  // namespace

asio::awaitable<void> write_page(extract_environment& env, row_sink& sink, const rows::schema& columns,
                                 std::shared_ptr<rd::result_page> page, page_failure& failure) {
    if (failure.error) co_return;
    struct converted {
        std::shared_ptr<rows::row_batch> batch;
        std::string why;
    };
    auto convert = [&columns, page]() {
        converted out{std::make_shared<rows::row_batch>(columns.size()), {}};
        if (!append_page(columns, *page, *out.batch, out.why)) out.batch.reset();
        return out;
    };
    converted done = co_await env.cpu.async_run(std::move(convert));
    if (!done.batch) {
        failure = {make_error_code(errc::malformed_data), done.why};
        co_return;
    }
    auto written = co_await sink.async_write(0, std::move(done.batch));
    if (!written && !failure.error) failure = {written.error(), sink.failure()};
}

asio::awaitable<result<void>> read_by_data_api(extract_environment& env, const extract_request& request,
                                               row_sink& sink, extract_stats& stats, aws::diagnostics& diag) {
    auto running = std::chrono::steady_clock::now();
    say_phase(env, "statement");
    rd::execute_request statement{.sql = request.sql, .database = request.database, .workgroup = request.workgroup};
    auto started = co_await env.data.async_execute_statement(statement, diag);
    if (!started) co_return started.error();
    stats.statement_id = started->id;
    int polls = 0;
    auto done = co_await env.data.async_wait_for(started->id, diag, request.wait, &polls);
    stats.describe_calls += polls;
    stats.seconds_statement = seconds_since(running);
    if (!done) {
        explain_failure(started->id, diag);
        co_return done.error();
    }
    if (!done->has_result_set) {
        diag.client_note = "the statement " + started->id + " returned no result set to extract (extract takes a query)";
        co_return make_error_code(errc::malformed_data);
    }

    auto transferring = std::chrono::steady_clock::now();
    say_phase(env, "transfer");
    rows::schema columns;
    page_failure failure;
    bool opened = false;
    std::string token;
    {
        engine::task_group writes(co_await asio::this_coro::executor, 1);
        for (;;) {
            auto page = co_await env.data.async_get_statement_result(started->id, token, diag);
            ++stats.result_pages;
            if (!page) {
                co_await writes.async_wait();
                explain_failure(started->id, diag);
                co_return page.error();
            }
            if (!opened) {
                columns = schema_of(page->columns);
                auto open = co_await sink.async_open(columns, 1);
                if (!open) {
                    diag.client_note = sink.failure();
                    co_return open.error();
                }
                opened = true;
            }
            token = page->next_token;
            auto shared = std::make_shared<rd::result_page>(std::move(*page));
            auto task = write_page(env, sink, columns, std::move(shared), failure);
            co_await writes.async_spawn(std::move(task));
            if (token.empty() || failure.error) break;
        }
        co_await writes.async_wait();
    }
    stats.seconds_transfer = seconds_since(transferring);
    if (failure.error) {
        diag.client_note = failure.note;
        co_return failure.error;
    }
    co_return result<void>{};
}

}  // namespace shiftsync::transfer::extract::detail
