#pragma once
// Streaming compression for what transfer reads and writes: gzip (ISA-L's igzip, level 1 for
// writing: plain `gzip -1` is the measured bottleneck on two cores) and zstd (level 1).
//
// One compressor or decompressor per stream; not thread-safe, but movable between threads (a
// stream's chunks are handed to the CPU pool one at a time).

#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace shiftsync::transfer::codec {

enum class compression { none, gzip, zstd };

// By a file name's ending: ".gz" gzip, ".zst" zstd, otherwise none.
compression compression_for_name(std::string_view path);
std::string_view file_extension(compression c);  // "", ".gz", ".zst"

class compressor {
public:
    virtual ~compressor() = default;
    virtual void write(std::string_view in, std::string& out) = 0;
    // Ends the stream (gzip trailer, zstd frame end); the compressor is done after this.
    virtual void finish(std::string& out) = 0;
};
std::unique_ptr<compressor> make_compressor(compression c);

class decompressor {
public:
    virtual ~decompressor() = default;
    // Decompresses from `in` (advancing it past what was used) into `out`; returns the bytes
    // written, or nullopt on corrupt data (error() says what). Returns 0 only when `in` is empty
    // or `out` has no room.
    virtual std::optional<std::size_t> decompress(std::string_view& in, std::span<char> out) = 0;
    // True when the input so far ended exactly at the end of a complete stream: a file cut short
    // (a truncated gzip member) is not complete.
    virtual bool complete() const = 0;
    const std::string& error() const { return error_; }

protected:
    std::string error_;
};
std::unique_ptr<decompressor> make_decompressor(compression c);

}  // namespace shiftsync::transfer::codec
