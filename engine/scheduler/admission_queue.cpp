#include "engine/scheduler/admission_queue.hpp"

#include <algorithm>
#include <cassert>

namespace shiftsync::engine {

std::size_t admission_queue::waiting() const {
    std::size_t n = 0;
    for (const auto& q : queues_) n += q.size();
    return n;
}

void admission_queue::take(std::uint64_t units) {
    in_use_ += units;
    peak_in_use_ = std::max(peak_in_use_, in_use_);
}

bool admission_queue::request(waiter_id id, std::uint64_t units, priority p) {
    units = clamp(units);
    const auto level = static_cast<std::size_t>(p);
    bool someone_ahead = false;
    for (std::size_t i = 0; i <= level; ++i) someone_ahead = someone_ahead || !queues_[i].empty();
    if (!someone_ahead && in_use_ + units <= capacity_) {
        take(units);
        return true;
    }
    queues_[level].push_back({id, units});
    return false;
}

std::vector<admission_queue::waiter_id> admission_queue::admit_waiters() {
    std::vector<waiter_id> admitted;
    for (auto& queue : queues_) {
        while (!queue.empty()) {
            if (in_use_ + queue.front().units > capacity_) return admitted;  // strict order: stop here
            take(queue.front().units);
            admitted.push_back(queue.front().id);
            queue.pop_front();
        }
    }
    return admitted;
}

std::vector<admission_queue::waiter_id> admission_queue::release(std::uint64_t units) {
    units = clamp(units);
    assert(units <= in_use_);
    in_use_ -= std::min(units, in_use_);
    return admit_waiters();
}

std::vector<admission_queue::waiter_id> admission_queue::cancel(waiter_id id) {
    for (auto& queue : queues_) {
        auto it = std::find_if(queue.begin(), queue.end(), [id](const waiter& w) { return w.id == id; });
        if (it != queue.end()) {
            queue.erase(it);
            return admit_waiters();
        }
    }
    return {};
}

}  // namespace shiftsync::engine
