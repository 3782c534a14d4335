#pragma once
// Recycled part buffers. A fresh 8 MiB buffer costs 2,048 page faults (and the kernel zeroing each
// page) before a byte of data lands in it: about a third of shiftsync's CPU per GiB when every part
// got a new one. Buffers of 1 MiB and more are therefore kept when released and handed out again
// to parts of (nearly) the same size, as aws-c-s3's buffer pool does.
//
// Bound: buffers in use are each paid for by a memory-budget reservation; whenever a buffer is
// taken, idle ones are dropped until in-use + idle bytes fit the budget's total, so the pool never
// holds more than the memory limit.
//
// Thread safety: any thread may take or release a buffer (a pool thread may hold the last
// reference); the shelf is under a mutex.

#include "engine/scheduler/memory_budget.hpp"

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace shiftsync::transfer::s3 {

class buffer_pool {
public:
    explicit buffer_pool(const engine::memory_budget& budget) { shelf_->limit = budget.total(); }

    // An empty string whose capacity is at least `size`.
    std::shared_ptr<std::string> take(std::size_t size);

    std::uint64_t idle_bytes() const;

private:
    struct shelf {
        std::mutex mutex;
        std::vector<std::unique_ptr<std::string>> idle;
        std::uint64_t idle_bytes = 0;
        std::uint64_t live_bytes = 0;  // handed out, not yet released
        std::uint64_t limit = 0;
    };

    std::shared_ptr<shelf> shelf_ = std::make_shared<shelf>();
};

}  // namespace shiftsync::transfer::s3
