#pragma once
// One part's bytes in memory, with the memory-budget reservation that paid for them and their
// CRC32C. The reservation is taken before the buffer is filled and given back when the part is
// dropped, so the budget bounds what is really held.

#include "engine/http/body.hpp"
#include "engine/scheduler/memory_budget.hpp"

#include <memory>
#include <string>

namespace shiftsync::transfer::s3 {

struct part_buffer {
    engine::memory_budget::reservation reservation;
    std::shared_ptr<std::string> bytes = std::make_shared<std::string>();  // or one from the buffer_pool
    std::string crc32c;  // base64 of the big-endian CRC32C; empty when checksums are off

    engine::http::body_source body() const { return engine::http::buffer_source{bytes}; }
    std::size_t size() const { return bytes->size(); }
};

}  // namespace shiftsync::transfer::s3
