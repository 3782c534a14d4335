#pragma once
// The two read paths behind async_extract (extract.hpp), and what they share. Internal.

#include "transfer/extract/extract.hpp"

#include <chrono>

namespace shiftsync::transfer::extract::detail {

boost::asio::awaitable<boost::system::result<void>> read_by_data_api(extract_environment& env,
                                                                    const extract_request& request, row_sink& sink,
                                                                    extract_stats& stats, aws::diagnostics& diag);
boost::asio::awaitable<boost::system::result<void>> read_by_unload(extract_environment& env,
                                                                  const extract_request& request, row_sink& sink,
                                                                  extract_stats& stats, aws::diagnostics& diag);

// The endpoint's counterparts (endpoint_path.cpp): the query's rows through a cursor, page by page.
boost::asio::awaitable<boost::system::result<void>> read_by_endpoint(extract_environment& env,
                                                                    const extract_request& request, row_sink& sink,
                                                                    extract_stats& stats, aws::diagnostics& diag);
// UNLOAD (or any statement without rows) on the endpoint; after a cancellation it waits (up to a
// minute) until the server has ended it, so the cleanup sees every file it wrote.
boost::asio::awaitable<boost::system::result<void>> run_on_endpoint(extract_environment& env, std::string sql,
                                                                   aws::diagnostics& diag);

// A page of typed fields converted to the row model on the CPU pool, then written to the sink's
// stream 0; the first failure is kept (later pages are skipped). Both paths' pages go through it.
struct page_failure {
    boost::system::error_code error;
    std::string note;
};
boost::asio::awaitable<void> write_page(extract_environment& env, row_sink& sink, const rows::schema& columns,
                                        std::shared_ptr<aws::redshift_data::result_page> page,
                                        page_failure& failure);

// The first page of `sql`'s result (EXPLAIN, a LIMIT 0 run), by the Data API or the endpoint.
boost::asio::awaitable<boost::system::result<aws::redshift_data::result_page>> first_page(
    extract_environment& env, const extract_request& request, std::string sql, int& polls, aws::diagnostics& diag);

// Runs `sql` through the Data API and waits for it; `polls` adds the DescribeStatement calls.
boost::asio::awaitable<boost::system::result<aws::redshift_data::statement_description>> run_statement(
    extract_environment& env, const extract_request& request, std::string sql, int& polls, aws::diagnostics& diag);

inline double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

inline void say_phase(extract_environment& env, std::string_view phase) {
    if (env.progress.phase) env.progress.phase(phase);
}

}  // namespace shiftsync::transfer::extract::detail
