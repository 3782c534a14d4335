#include "engine/pool/pool_state.hpp"

#include <algorithm>
#include <cassert>

namespace shiftsync::engine {

void pool_state::note_peak() {
    peak_ = std::max(peak_, open_or_opening());
}

pool_state::checkout_result pool_state::checkout() {
    if (!idle_.empty()) {
        const auto id = idle_.back().id;
        idle_.pop_back();
        ++busy_;
        ++reused_total_;
        return {action::reuse, id};
    }
    if (open_or_opening() >= limits_.max_connections) return {action::no_slot, 0};
    ++opening_;
    note_peak();
    return {action::open_new, next_id_++};
}

pool_state::checkout_result pool_state::checkout_fresh() {
    connection_id evicted = 0;
    if (open_or_opening() >= limits_.max_connections && !idle_.empty()) {
        evicted = idle_.front().id;
        idle_.pop_front();
    }
    if (open_or_opening() >= limits_.max_connections) return {action::no_slot, 0, evicted};
    ++opening_;
    note_peak();
    return {action::open_new, next_id_++, evicted};
}

void pool_state::on_opened(connection_id) {
    assert(opening_ > 0);
    --opening_;
    ++busy_;
    ++opened_total_;
}

void pool_state::on_open_failed(connection_id) {
    assert(opening_ > 0);
    --opening_;
}

void pool_state::on_released(connection_id id, bool reusable, clock::time_point now) {
    assert(busy_ > 0);
    --busy_;
    if (reusable) idle_.push_back({id, now});
}

std::vector<connection_id> pool_state::trim(clock::time_point now) {
    std::vector<connection_id> expired;
    // idle_ is ordered by release time, oldest at the front.
    while (!idle_.empty() && now - idle_.front().since >= limits_.idle_timeout) {
        expired.push_back(idle_.front().id);
        idle_.pop_front();
    }
    return expired;
}

std::vector<connection_id> pool_state::drain_idle() {
    std::vector<connection_id> all;
    for (const auto& c : idle_) all.push_back(c.id);
    idle_.clear();
    return all;
}

}  // namespace shiftsync::engine
