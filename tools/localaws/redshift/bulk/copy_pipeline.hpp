#pragma once
// Runs a producer of byte buffers on a worker thread while the calling thread consumes them in
// order. COPY uses it so that reading, decompressing, checking and encoding rows (the worker)
// overlaps with handing the previous rows to PostgreSQL (the caller, which owns the connection):
// PostgreSQL never waits for localaws's per-row work, and the caller's sends are few and large.
//
// At most `depth` buffers exist at once (filled, being filled, being consumed), each reused, so
// memory stays at about depth × the producer's batch size. The worker is joined before run()
// returns, whichever side stops first and whatever either throws (rethrown on the caller).

#include <cstddef>
#include <functional>
#include <string>

namespace localaws::redshift::bulk {

struct pipeline_options {
    std::size_t depth = 4;  // buffers in flight; at least 2 (one filling while one is consumed)
};

// produce(deliver) runs on the worker: each deliver(buffer) hands a filled buffer over, swapping
// in an empty one (blocking while `depth` are in flight), and returns false once the consumer has
// stopped, when produce should return soon. consume(buffer) runs on the calling thread for each
// buffer, in delivery order; returning false stops the pipeline (produce sees deliver fail).
// Returns once produce has returned and every buffer it delivered before that was consumed (or
// the consumer stopped).
void run_pipeline(const pipeline_options& options, const std::function<void(const std::function<bool(std::string&)>&)>& produce,
                  const std::function<bool(const std::string&)>& consume);

}  // namespace localaws::redshift::bulk
