#include "transfer/s3/buffer_pool.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <cstdint>

namespace shiftsync::transfer::s3 {
namespace {

constexpr std::size_t smallest_kept = 1 << 20;  // below this, malloc's own free lists do the job

// A fresh buffer's first touch faults every page in. With 2 MiB pages (transparent huge pages,
// which Debian enables on request: "madvise") that is one fault per 2 MiB instead of 512, and
// the kernel's per-fault work (allocation, cgroup charge, LRU) goes with them. The buffer's
// pages are untouched here (malloc maps buffers this big afresh), so the advice takes effect.
void prefer_huge_pages(std::string& buffer) {
    constexpr std::uintptr_t huge = std::uintptr_t{2} << 20;
    const auto begin = reinterpret_cast<std::uintptr_t>(buffer.data());
    const std::uintptr_t first = (begin + huge - 1) & ~(huge - 1);
    const std::uintptr_t last = (begin + buffer.capacity()) & ~(huge - 1);
    if (last > first) ::madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE);  // advice only
}

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
        prefer_huge_pages(*picked);
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
