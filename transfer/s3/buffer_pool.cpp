#include "transfer/s3/buffer_pool.hpp"

#include <algorithm>

namespace shiftsync::transfer::s3 {
namespace {

constexpr std::size_t smallest_kept = 1 << 20;  // below this, malloc's own free lists do the job

}  // namespace

std::shared_ptr<std::string> buffer_pool::take(std::size_t size) {
    if (size < smallest_kept) {
        auto fresh = std::make_shared<std::string>();
        fresh->reserve(size);
        return fresh;
    }
    std::unique_ptr<std::string> picked;
    std::lock_guard lock(shelf_->mutex);
    auto& idle = shelf_->idle;
    // A buffer at most a quarter larger than asked: more would hold memory no reservation pays for.
    auto fits = std::find_if(idle.begin(), idle.end(), [size](const auto& b) {
        return b->capacity() >= size && b->capacity() <= size + size / 4;
    });
    if (fits != idle.end()) {
        picked = std::move(*fits);
        idle.erase(fits);
        shelf_->idle_bytes -= picked->capacity();
    } else {
        picked = std::make_unique<std::string>();
        picked->reserve(size);
    }
    shelf_->live_bytes += picked->capacity();
    // Buffers in use are paid for by reservations, so they fit in the budget; idle ones may use
    // only what is left of it.
    while (shelf_->live_bytes + shelf_->idle_bytes > shelf_->limit && !idle.empty()) {
        shelf_->idle_bytes -= idle.back()->capacity();
        idle.pop_back();
    }
    return std::shared_ptr<std::string>(picked.release(), [shelf = shelf_](std::string* released) {
        std::unique_ptr<std::string> owned(released);
        owned->clear();
        std::lock_guard relock(shelf->mutex);
        shelf->live_bytes -= owned->capacity();
        shelf->idle_bytes += owned->capacity();
        shelf->idle.push_back(std::move(owned));
    });
}

std::uint64_t buffer_pool::idle_bytes() const {
    std::lock_guard lock(shelf_->mutex);
    return shelf_->idle_bytes;
}

}  // namespace shiftsync::transfer::s3
