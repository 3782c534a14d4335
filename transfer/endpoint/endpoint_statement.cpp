#include "transfer/endpoint/endpoint_statement.hpp"

#include "transfer/endpoint/result_shape.hpp"

#include <charconv>

namespace shiftsync::transfer::endpoint {

namespace asio = boost::asio;
using boost::system::result;

std::int64_t count_in_tag(const std::string& tag) {
    auto space = tag.rfind(' ');
    if (space == std::string::npos) return -1;
    std::int64_t n = -1;
    auto [end, ec] = std::from_chars(tag.data() + space + 1, tag.data() + tag.size(), n);
    if (ec != std::errc{} || end != tag.data() + tag.size()) return -1;
    return n;
}

asio::awaitable<result<statement_outcome>> async_run_statement(connection_lease& lease, std::string sql,
                                                               const endpoint_settings& settings,
                                                               aws::diagnostics& diag) {
    engine::pg::pg_diagnostics pg_diag;
    std::vector<engine::pg::parameter> none;
    auto done = co_await lease->async_execute(std::move(sql), std::move(none), pg_diag);
    if (!done) {
        describe_failure(settings, pg_diag, diag);
        co_return done.error();
    }
    statement_outcome out;
    out.command_tag = done->command_tag;
    out.page.columns = column_metadata_of(done->columns);
    std::string why;
    if (!append_rows(out.page.columns, done->rows, out.page.rows, why)) {
        diag = {};
        diag.service = "endpoint";
        diag.operation = settings.address.to_string();
        diag.message = why;
        co_return make_error_code(engine::pg::errc::statement_failed);
    }
    out.page.total_rows = static_cast<std::int64_t>(out.page.rows.size());
    out.rows_affected = out.page.columns.empty() ? count_in_tag(out.command_tag)
                                                 : static_cast<std::int64_t>(done->row_count);
    co_return out;
}

asio::awaitable<result<aws::redshift_data::result_page>> async_query_page(endpoint_pool& pool, std::string sql,
                                                                          aws::diagnostics& diag) {
    auto lease = co_await pool.async_acquire(diag);
    if (!lease) co_return lease.error();
    auto done = co_await async_run_statement(*lease, std::move(sql), pool.settings(), diag);
    if (!done) co_return done.error();
    co_return std::move(done->page);
}

}  // namespace shiftsync::transfer::endpoint
