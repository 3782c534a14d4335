#pragma once
// The statements a sync stream runs on a database destination outside its transfers: the state
// table created (once per destination, before the streams start) and read back at a run's start
// (destination_state.hpp has the SQL). Redshift through the Data API, PostgreSQL through a short
// libpq connection on the blocking pool.

#include "transfer/sync/stream_run.hpp"

#include <optional>
#include <string>

namespace shiftsync::transfer::sync {

// Where the destination's state table says the stream is (all empty: never committed).
struct cursor_truth {
    std::optional<std::string> cursor;
    std::string kind;
    std::string column;
};

// For a Redshift or PostgreSQL destination.
boost::asio::awaitable<boost::system::result<cursor_truth>> async_read_cursor_truth(engine::cpu_pool& blocking,
                                                                                   const stream_plan& plan,
                                                                                   aws::diagnostics& diag);

}  // namespace shiftsync::transfer::sync
