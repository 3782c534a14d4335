#pragma once
// One statement on a leased endpoint connection, its whole result in the Data API's shape (for the
// small results the transfers ask for: EXPLAIN, LIMIT 0, counts, COPY's error rows), and its
// failure in aws::diagnostics (the server's message in `message`, as the Data API path has it).

#include "aws/redshift_data/types.hpp"
#include "transfer/endpoint/endpoint_pool.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>

#include <cstdint>
#include <string>

namespace shiftsync::transfer::endpoint {

struct statement_outcome {
    aws::redshift_data::result_page page;  // columns and rows (no columns: the statement returns none)
    std::string command_tag;               // "INSERT 0 3", "UNLOAD", "COPY 12"
    std::int64_t rows_affected = -1;       // the tag's count; for a query, its rows
};

boost::asio::awaitable<boost::system::result<statement_outcome>> async_run_statement(connection_lease& lease,
                                                                                      std::string sql,
                                                                                      const endpoint_settings& settings,
                                                                                      aws::diagnostics& diag);

// A connection from the pool for one statement; its result's page (a LIMIT 0 run, EXPLAIN, a count).
boost::asio::awaitable<boost::system::result<aws::redshift_data::result_page>> async_query_page(
    endpoint_pool& pool, std::string sql, aws::diagnostics& diag);

// The count a command tag ends with ("INSERT 0 3" -> 3), -1 for none ("BEGIN").
std::int64_t count_in_tag(const std::string& tag);

}  // namespace shiftsync::transfer::endpoint
