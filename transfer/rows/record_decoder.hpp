#pragma once
// What the CSV and NDJSON decoders have in common, so a stream of either (a staged file, a user's
// file) is decoded by one loop (stream_decoder.hpp): fed whatever bytes have arrived, a decoder
// decodes every complete record and says how many bytes it used.

#include "transfer/rows/row_batch.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace shiftsync::transfer::rows {

class record_decoder {
public:
    virtual ~record_decoder() = default;
    // Decodes complete records from `data` into `out` until `data` or the batch is full; returns
    // the bytes used, or nullopt on a malformed record (error() says why). With `final`, the end of
    // `data` is the end of the input.
    virtual std::optional<std::size_t> decode(std::string_view data, bool final, row_batch& out) = 0;
    virtual const std::string& error() const = 0;
    virtual std::uint64_t records() const = 0;
    // Physical lines consumed so far; the next record starts on line lines() + 1.
    virtual std::uint64_t lines() const = 0;
};

}  // namespace shiftsync::transfer::rows
