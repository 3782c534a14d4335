#pragma once
// One stream (a staged file, a user's file), from compressed bytes to batches of rows (sans-IO;
// runs on a CPU pool thread, one chunk at a time), with a CSV or NDJSON record decoder. Decompresses into a window that begins with the record the previous
// chunk cut (moved to the front, never copied elsewhere), decodes every complete record, and
// hands on each batch once it is full.
//
// At the end it checks what the manifest promised: the compressed byte count, the record count,
// and that the compressed stream ended where a complete member ends (a truncated gzip is an
// error, never a silently short result).

#include "transfer/codec/compression.hpp"
#include "transfer/rows/record_decoder.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace shiftsync::transfer::rows {

class stream_decoder {
public:
    stream_decoder(std::size_t columns, std::unique_ptr<record_decoder> records, codec::compression compression);

    using batches = std::vector<std::shared_ptr<row_batch>>;
    // Feeds the next compressed chunk; full batches are appended to `out`. False on bad data
    // (error() says what, with the record number).
    bool feed(std::string_view compressed, batches& out);
    // The input ended: decodes the last record, hands on the last batch, checks completeness.
    bool finish(batches& out);

    // Checks against the manifest's entry; false with error() set on a mismatch.
    bool verify(std::uint64_t expected_bytes, std::optional<std::uint64_t> expected_records);

    const std::string& error() const { return error_; }
    std::uint64_t compressed_bytes() const { return compressed_bytes_; }
    std::uint64_t records() const { return decoder_->records(); }
    std::uint64_t lines() const { return decoder_->lines(); }

private:
    bool decode_window(bool final, batches& out);

    std::size_t columns_;
    std::unique_ptr<record_decoder> decoder_;
    std::unique_ptr<codec::decompressor> decompressor_;
    std::string window_;
    std::size_t filled_ = 0;
    std::shared_ptr<row_batch> batch_;
    std::uint64_t compressed_bytes_ = 0;
    std::string error_;
};

}  // namespace shiftsync::transfer::rows
