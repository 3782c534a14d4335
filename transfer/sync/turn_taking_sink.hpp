#pragma once
// A row sink that waits for its turn before it opens the sink it wraps: it takes one unit of a
// limit (a PostgreSQL destination's max_concurrent_loads) and gives it back once that sink has
// committed or been abandoned, so at most the limit's capacity of streams write into one database
// at once (connect, COPY, merge, COMMIT) while the others go on with what comes before (UNLOAD).
//
// `phase` is told "queued" before the wait and "extract" once the turn came.
//
// Executor / thread safety: like every sink, on the network thread; the limit outlives the sink.

#include "transfer/extract/row_sink.hpp"

#include <functional>
#include <memory>
#include <string_view>

namespace shiftsync::engine {
class async_limiter;
}

namespace shiftsync::transfer::sync {

std::unique_ptr<extract::row_sink> make_turn_taking_sink(std::unique_ptr<extract::row_sink> inner,
                                                         engine::async_limiter& limit,
                                                         std::function<void(std::string_view phase)> phase);

}  // namespace shiftsync::transfer::sync
