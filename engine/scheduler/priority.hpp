#pragma once
// Request priorities. Waiters are admitted strictly by priority, FIFO within one priority, so a
// control call (DescribeStatement, CompleteMultipartUpload) queued behind a thousand part uploads
// goes next, not last. Bulk work cannot starve control work; control work is rare enough that
// strict ordering does not starve bulk work in practice.

#include <cstdint>
#include <string_view>

namespace shiftsync::engine {

enum class priority : std::uint8_t { control = 0, normal = 1, bulk = 2 };

inline constexpr int priority_levels = 3;

constexpr std::string_view to_string(priority p) {
    switch (p) {
        case priority::control:
            return "control";
        case priority::normal:
            return "normal";
        case priority::bulk:
            return "bulk";
    }
    return "unknown";
}

}  // namespace shiftsync::engine
