#pragma once
// One adaptive rate limiter per limiter key (the aws/ layer uses "service/region" or
// "s3/bucket"; the engine defaults to the endpoint). Limiters are created on first use and live as
// long as the set. Thread safety: none; one executor.

#include "engine/retry/adaptive_rate_limiter.hpp"

#include <map>
#include <string>
#include <string_view>

namespace shiftsync::engine {

class rate_limiter_set {
public:
    explicit rate_limiter_set(adaptive_limiter_config config = {}) : config_(config) {}

    adaptive_rate_limiter& for_key(std::string_view key, adaptive_rate_limiter::clock::time_point now) {
        auto it = limiters_.find(key);
        if (it == limiters_.end()) it = limiters_.emplace(std::string(key), adaptive_rate_limiter(now, config_)).first;
        return it->second;
    }

    // The limiter of `key` starts at `rate` requests/s, at most `ceiling` (see start_at).
    void preset(std::string_view key, double rate, double ceiling, adaptive_rate_limiter::clock::time_point now) {
        for_key(key, now).start_at(now, rate, ceiling);
    }

    const adaptive_rate_limiter* find(std::string_view key) const {
        const auto it = limiters_.find(key);
        return it == limiters_.end() ? nullptr : &it->second;
    }

    std::size_t size() const { return limiters_.size(); }

private:
    adaptive_limiter_config config_;
    std::map<std::string, adaptive_rate_limiter, std::less<>> limiters_;
};

}  // namespace shiftsync::engine
