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
