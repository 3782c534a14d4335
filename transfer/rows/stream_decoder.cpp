#include "transfer/rows/stream_decoder.hpp"

#include <cstring>

namespace shiftsync::transfer::rows {
namespace {
constexpr std::size_t initial_window = 1 << 20;
constexpr std::size_t largest_window = 256u << 20;  // a record longer than this is refused
}  // namespace

stream_decoder::stream_decoder(std::size_t columns, std::unique_ptr<record_decoder> records,
                               codec::compression compression)
    : columns_(columns), decoder_(std::move(records)), decompressor_(codec::make_decompressor(compression)),
      window_(initial_window, '\0'), batch_(std::make_shared<row_batch>(columns)) {}

bool stream_decoder::decode_window(bool final, batches& out) {
    std::size_t pos = 0;
    for (;;) {
        std::string_view rest(window_.data() + pos, filled_ - pos);
        auto used = decoder_->decode(rest, final, *batch_);
        if (!used) {
            error_ = decoder_->error();
            return false;
        }
        pos += *used;
        if (!batch_->full()) break;
        out.push_back(std::move(batch_));
        batch_ = std::make_shared<row_batch>(columns_);
    }
    if (pos > 0) {
        std::memmove(window_.data(), window_.data() + pos, filled_ - pos);
        filled_ -= pos;
    }
    return true;
}

bool stream_decoder::feed(std::string_view compressed, batches& out) {
    compressed_bytes_ += compressed.size();
    while (!compressed.empty()) {
        if (filled_ == window_.size()) {  // one record fills the window: make room for the rest of it
            if (window_.size() >= largest_window) {
                error_ = "record " + std::to_string(decoder_->records() + 1) + " is longer than " +
                         std::to_string(largest_window >> 20) + " MiB";
                return false;
            }
            window_.resize(window_.size() * 2);
        }
        auto n = decompressor_->decompress(compressed, std::span<char>(window_.data() + filled_, window_.size() - filled_));
        if (!n) {
            error_ = decompressor_->error();
            return false;
        }
        filled_ += *n;
        if (*n == 0 && !compressed.empty()) {
            error_ = "the decompressor made no progress";
            return false;
        }
        if (!decode_window(false, out)) return false;
    }
    return true;
}

bool stream_decoder::finish(batches& out) {
    if (!decompressor_->complete()) {
        error_ = "the compressed data ends in the middle of a stream (the file is truncated)";
        return false;
    }
    if (!decode_window(true, out)) return false;
    if (filled_ != 0) {
        error_ = "the file ends in the middle of a record";
        return false;
    }
    if (!batch_->empty()) out.push_back(std::move(batch_));
    batch_ = std::make_shared<row_batch>(columns_);
    return true;
}

bool stream_decoder::verify(std::uint64_t expected_bytes, std::optional<std::uint64_t> expected_records) {
    if (compressed_bytes_ != expected_bytes) {
        error_ = "downloaded " + std::to_string(compressed_bytes_) + " bytes where the manifest says " +
                 std::to_string(expected_bytes);
        return false;
    }
    if (expected_records && *expected_records != decoder_->records()) {
        error_ = "decoded " + std::to_string(decoder_->records()) + " records where the manifest says " +
                 std::to_string(*expected_records);
        return false;
    }
    return true;
}

}  // namespace shiftsync::transfer::rows
