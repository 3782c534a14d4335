#include "transfer/extract/extract.hpp"

#include "engine/scheduler/cancellation.hpp"
#include "transfer/extract/paths.hpp"
#include "transfer/extract/unload_statement.hpp"

#include <charconv>

namespace shiftsync::transfer::extract {

namespace asio = boost::asio;
namespace rd = aws::redshift_data;
using boost::system::result;

std::string_view to_string(read_path p) {
    switch (p) {
        case read_path::automatic: return "auto";
        case read_path::data_api: return "data-api";
        case read_path::unload: return "unload";
    }
    return "auto";
}

std::optional<plan_estimate> parse_plan_estimate(std::string_view line) {
    auto number_after = [&](std::string_view key) -> std::optional<std::uint64_t> {
        auto at = line.find(key);
        if (at == std::string_view::npos) return std::nullopt;
        const char* begin = line.data() + at + key.size();
        std::uint64_t v = 0;
        auto [end, ec] = std::from_chars(begin, line.data() + line.size(), v);
        if (ec != std::errc()) return std::nullopt;
        return v;
    };
    auto rows = number_after(" rows=");
    auto width = number_after(" width=");
    if (!rows || !width) return std::nullopt;
    return plan_estimate{*rows, *width};
}

namespace detail {

asio::awaitable<result<rd::statement_description>> run_statement(extract_environment& env,
                                                                 const extract_request& request, std::string sql,
                                                                 int& polls, aws::diagnostics& diag) {
    rd::execute_request statement{.sql = std::move(sql), .database = request.database, .workgroup = request.workgroup};
    auto started = co_await env.data.async_execute_statement(statement, diag);
    if (!started) co_return started.error();
    int these_polls = 0;
    auto done = co_await env.data.async_wait_for(started->id, diag, request.wait, &these_polls);
    polls += these_polls;
    if (!done) co_return done.error();
    co_return *done;
}

}  // namespace detail

namespace {

// auto: the Data API unless staging is configured and EXPLAIN says the result is large.
asio::awaitable<result<read_path>> choose_path(extract_environment& env, const extract_request& request,
                                               extract_stats& stats, aws::diagnostics& diag) {
    if (request.via != read_path::automatic) co_return request.via;
    if (!request.staging || !env.transfers) {
        stats.auto_reason = "no staging location, so the Data API";
        co_return read_path::data_api;
    }
    std::string explain = "EXPLAIN " + trim_query(request.sql);
    auto page = co_await detail::first_page(env, request, std::move(explain), stats.describe_calls, diag);
    if (!page) co_return page.error();
    std::optional<plan_estimate> estimate;
    if (!page->rows.empty() && !page->rows[0].empty())
        if (const auto* line = std::get_if<std::string>(&page->rows[0][0])) estimate = parse_plan_estimate(*line);
    if (!estimate) {
        stats.auto_reason = "EXPLAIN gave no row estimate, so UNLOAD (safe for any size)";
        co_return read_path::unload;
    }
    std::uint64_t bytes = estimate->rows * std::max<std::uint64_t>(1, estimate->width);
    bool large = estimate->rows >= request.unload_above_rows || bytes >= request.unload_above_bytes;
    stats.auto_reason = "EXPLAIN estimates " + std::to_string(estimate->rows) + " rows of " +
                        std::to_string(estimate->width) + " bytes, so " + (large ? "UNLOAD" : "the Data API");
    co_return large ? read_path::unload : read_path::data_api;
}

asio::awaitable<result<extract_stats>> extract(extract_environment& env, const extract_request& request, row_sink& sink,
                                               aws::diagnostics& diag) {
    extract_stats stats;
    auto planning = std::chrono::steady_clock::now();
    detail::say_phase(env, "planning");
    auto path = co_await choose_path(env, request, stats, diag);
    if (!path) co_return path.error();
    stats.seconds_plan = detail::seconds_since(planning);
    stats.used = *path;
    result<void> outcome;
    if (*path == read_path::unload)
        outcome = co_await detail::read_by_unload(env, request, sink, stats, diag);
    else if (env.endpoint)
        outcome = co_await detail::read_by_endpoint(env, request, sink, stats, diag);
    else
        outcome = co_await detail::read_by_data_api(env, request, sink, stats, diag);
    if (!outcome) {
        co_await sink.async_abandon();
        co_return outcome.error();
    }
    auto committing = co_await sink.async_commit();
    if (!committing) {
        diag.client_note = sink.failure();
        co_await sink.async_abandon();
        co_return committing.error();
    }
    stats.rows = sink.rows_written();
    stats.bytes_written = sink.bytes_written();
    co_return stats;
}

}  // namespace

asio::awaitable<result<extract_stats>> async_extract(extract_environment& env, const extract_request& request,
                                                     row_sink& sink, aws::diagnostics& diag) {
    auto body = extract(env, request, sink, diag);
    co_return co_await engine::cancellation_as_value(std::move(body));
}

}  // namespace shiftsync::transfer::extract
