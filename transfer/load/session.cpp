#include "transfer/load/session.hpp"

#include "transfer/endpoint/endpoint_statement.hpp"
#include "transfer/s3/transfer_error.hpp"

#include <boost/asio/this_coro.hpp>

#include <charconv>
#include <chrono>

namespace shiftsync::transfer::load {

namespace asio = boost::asio;
namespace rd = aws::redshift_data;
using boost::system::result;

asio::awaitable<result<rd::statement_description>> session::async_run(std::string sql, aws::diagnostics& diag) {
    co_return co_await run(data_, std::move(sql), diag);
}

asio::awaitable<result<rd::statement_description>> session::async_run_bulk(std::string sql, aws::diagnostics& diag) {
    co_return co_await run(bulk_, std::move(sql), diag);
}

asio::awaitable<result<rd::statement_description>> session::run_on_endpoint(std::string sql, aws::diagnostics& diag) {
    if (!lease_) {
        auto got = co_await endpoint_->async_acquire(diag);
        if (!got) co_return got.error();
        lease_ = std::move(*got);
    }
    auto done = co_await endpoint::async_run_statement(lease_, std::move(sql), endpoint_->settings(), diag);
    if (!done) co_return done.error();
    rd::statement_description out;
    out.status = rd::statement_status::finished;
    out.has_result_set = !done->page.columns.empty();
    out.result_rows = done->rows_affected;
    last_page_ = std::move(done->page);
    co_return out;
}

asio::awaitable<result<rd::statement_description>> session::run(rd::redshift_data_client& waiter, std::string sql,
                                                                aws::diagnostics& diag) {
    if (endpoint_) co_return co_await run_on_endpoint(std::move(sql), diag);
    rd::execute_request statement{.sql = std::move(sql)};
    if (session_id_.empty()) {
        statement.database = database_;
        statement.workgroup = workgroup_;
        statement.session_keep_alive_seconds = keep_alive_seconds_;
    } else {
        statement.session_id = session_id_;
    }
    auto started = co_await data_.async_execute_statement(statement, diag);
    if (!started) co_return started.error();
    if (session_id_.empty()) session_id_ = started->session_id;
    last_statement_ = started->id;
    const rd::wait_policy policy = &waiter == &bulk_ ? rd::bulk_wait_policy(wait_) : wait_;
    co_return co_await waiter.async_wait_for(started->id, diag, policy);
}

asio::awaitable<result<rd::result_page>> session::async_query(std::string sql, aws::diagnostics& diag) {
    auto done = co_await async_run(std::move(sql), diag);
    if (!done) co_return done.error();
    if (endpoint_) co_return std::move(last_page_);
    const std::string no_token;
    auto page = co_await data_.async_get_statement_result(done->id, no_token, diag);
    co_return page;
}

asio::awaitable<result<std::int64_t>> session::async_scalar(std::string sql, aws::diagnostics& diag) {
    auto page = co_await async_query(std::move(sql), diag);
    if (!page) co_return page.error();
    if (page->rows.empty() || page->rows[0].empty()) co_return make_error_code(errc::verification_failed);
    const auto& v = page->rows[0][0];
    if (const auto* n = std::get_if<std::int64_t>(&v)) co_return *n;
    if (const auto* text = std::get_if<std::string>(&v)) {
        std::int64_t out = 0;
        std::from_chars(text->data(), text->data() + text->size(), out);
        co_return out;
    }
    co_return make_error_code(errc::verification_failed);
}

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string text_of(const rd::field& f) {
    if (const auto* s = std::get_if<std::string>(&f)) return *s;
    if (const auto* n = std::get_if<std::int64_t>(&f)) return std::to_string(*n);
    return {};
}

// The rows of a failed (or MAXERROR-skipping) COPY in sys_load_error_detail, by its query id.
asio::awaitable<void> read_load_errors(session& s, const std::string& copy_statement, bool numbered_rows,
                                       load_stats& stats) {
    aws::diagnostics ignored;
    // The COPY's query id: DescribeStatement's on the Data API; the session's last COPY on the endpoint.
    std::string query_id = "pg_last_copy_id()";
    if (!s.on_endpoint()) {
        auto described = co_await s.data().async_describe_statement(copy_statement, ignored);
        if (!described || described->redshift_query_id == 0) co_return;
        query_id = std::to_string(described->redshift_query_id);
    }
    std::string errors_sql =
        "SELECT file_name, line_number, column_name, raw_field_value, error_message, raw_line "
        "FROM sys_load_error_detail WHERE query_id = " + query_id + " ORDER BY line_number LIMIT 100";
    auto page = co_await s.async_query(std::move(errors_sql), ignored);
    if (!page) co_return;
    for (const auto& row : page->rows) {
        if (row.size() < 6) continue;
        load_error_row e;
        e.file = text_of(row[0]);
        if (const auto* n = std::get_if<std::int64_t>(&row[1])) e.line = *n;
        e.column = text_of(row[2]);
        e.value = text_of(row[3]).substr(0, 200);
        e.reason = text_of(row[4]);
        // Upsert's staged rows end with their sequence number: the source's record number. (Otherwise
        // load.cpp finds it from the staged file and line.)
        std::string raw = text_of(row[5]);
        while (!raw.empty() && (raw.back() == '\n' || raw.back() == '\r' || raw.back() == ' ')) raw.pop_back();
        auto comma = raw.rfind(',');
        if (numbered_rows && comma != std::string::npos) {
            std::uint64_t record = 0;
            auto [end, ec] = std::from_chars(raw.data() + comma + 1, raw.data() + raw.size(), record);
            if (ec == std::errc() && end == raw.data() + raw.size()) e.source_record = record;
        }
        stats.load_errors.push_back(std::move(e));
    }
}

asio::awaitable<result<void>> apply_steps(load_environment& env, session& s, const apply_spec& spec,
                                          const std::optional<std::string>& create_table, const load_request& request,
                                          load_stats& stats, std::string& failed_copy, aws::diagnostics& diag) {
    if (create_table) {
        auto created = co_await s.async_run(*create_table, diag);
        if (!created) co_return created.error();
        stats.created_table = true;
    }
    if (uses_stage(spec)) {
        std::string staged_sql = create_stage_sql(spec);
        auto staged = co_await s.async_run(std::move(staged_sql), diag);
        if (!staged) co_return staged.error();
    } else if (spec.mode == write_mode::replace) {
        // Bulk: it runs as long as the table is big, and must not teach the waiter of the short
        // statements (BEGIN, the counts, COMMIT) to look late.
        std::string emptied_sql = delete_all_sql(spec);
        auto emptied = co_await s.async_run_bulk(std::move(emptied_sql), diag);
        if (!emptied) co_return emptied.error();
        stats.deleted = static_cast<std::uint64_t>(std::max<std::int64_t>(0, emptied->result_rows));
    }
    if (!spec.manifest_url.empty()) {  // (phase "copy" was said at BEGIN: load.cpp)
        auto copying = std::chrono::steady_clock::now();
        std::string copied_sql = copy_sql(spec);
        auto copied = co_await s.async_run_bulk(std::move(copied_sql), diag);
        stats.seconds_copy = seconds_since(copying);
        if (!copied) {
            failed_copy = s.on_endpoint() ? std::string("the last COPY") : s.last_statement();
            co_return copied.error();
        }
        std::string copy_statement = s.last_statement();
        std::string count_sql = count_loaded_sql(spec);
        auto count = co_await s.async_scalar(std::move(count_sql), diag);
        if (!count) co_return count.error();
        stats.rows_loaded = static_cast<std::uint64_t>(*count);
        if (stats.rows_loaded != stats.rows_staged) {
            if (!spec.max_errors || stats.rows_loaded > stats.rows_staged) {
                diag.client_note = "COPY loaded " + std::to_string(stats.rows_loaded) + " rows where " +
                                   std::to_string(stats.rows_staged) + " were staged; nothing was committed";
                co_return make_error_code(errc::verification_failed);
            }
            co_await read_load_errors(s, copy_statement, uses_stage(spec), stats);  // MAXERROR's skips, each reported
        }
    }
    if (env.phase) env.phase("merge");
    auto merging = std::chrono::steady_clock::now();
    std::int64_t updated = 0;
    for (const auto& step : merge_sql(spec)) {
        auto done = co_await s.async_run_bulk(step.sql, diag);  // the merge's statements scale with the rows
        if (!done) co_return done.error();
        std::int64_t n = std::max<std::int64_t>(0, done->result_rows);
        switch (step.meaning) {
            case merge_step::counts::deleted: stats.deleted += static_cast<std::uint64_t>(n); break;
            case merge_step::counts::updated: updated += n; break;
            case merge_step::counts::inserted: stats.inserted += static_cast<std::uint64_t>(n); break;
            case merge_step::counts::dropped_from_batch: stats.skipped += static_cast<std::uint64_t>(n); break;
            case merge_step::counts::nothing: break;
        }
    }
    if (uses_stage(spec)) {
        stats.updated = static_cast<std::uint64_t>(updated);
        stats.inserted -= std::min<std::uint64_t>(stats.inserted, stats.updated);
    } else {
        stats.inserted = stats.rows_loaded;
    }
    if (request.before_commit) {
        for (auto& statement : request.before_commit(stats)) {
            auto done = co_await s.async_run(std::move(statement), diag);
            if (!done) co_return done.error();
        }
    }
    std::string commit_sql = "COMMIT";
    auto committed = co_await s.async_run(std::move(commit_sql), diag);
    stats.seconds_merge = seconds_since(merging);
    if (!committed) co_return committed.error();
    co_return result<void>{};
}

}  // namespace

asio::awaitable<result<void>> apply_in_transaction(load_environment& env, session& s, const apply_spec& spec,
                                                   const std::optional<std::string>& create_table,
                                                   const std::vector<std::string>& before, const load_request& request,
                                                   load_stats& stats, aws::diagnostics& diag) {
    for (const auto& change : before) {
        auto changed = co_await s.async_run(change, diag);
        if (!changed) co_return changed.error();
    }
    std::string begin_sql = "BEGIN";
    auto begun = co_await s.async_run(std::move(begin_sql), diag);
    if (!begun) co_return begun.error();
    std::string failed_copy;
    auto outcome = co_await apply_steps(env, s, spec, create_table, request, stats, failed_copy, diag);
    if (outcome) co_return outcome;
    // Nothing is committed: roll back (after a Ctrl-C too), then say what COPY refused.
    co_await asio::this_coro::reset_cancellation_state();
    aws::diagnostics ignored;
    std::string rollback_sql = "ROLLBACK";
    co_await s.async_run(std::move(rollback_sql), ignored);
    if (!failed_copy.empty()) co_await read_load_errors(s, failed_copy, uses_stage(spec), stats);
    co_return outcome;
}

}  // namespace shiftsync::transfer::load
