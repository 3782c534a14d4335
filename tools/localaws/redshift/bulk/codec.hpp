#pragma once
// Streaming compression for UNLOAD's files and decompression for COPY's: gzip (ISA-L's igzip both
// ways — several times zlib's speed —, concatenated members included),
// zstd (multi-frame) and bzip2 (libbz2). Each object is single-threaded; output is appended.

#include <memory>
#include <string>
#include <string_view>

#include "tools/localaws/redshift/dialect/commands.hpp"

namespace localaws::redshift::bulk {

class compressor {
public:
    virtual ~compressor() = default;
    virtual void write(std::string_view in, std::string& out) = 0;
    virtual void finish(std::string& out) = 0;
};

class decompressor {
public:
    virtual ~decompressor() = default;
    // Appends what `in` decodes to; false with `error` on corrupt input.
    virtual bool write(std::string_view in, std::string& out, std::string& error) = 0;
    // False when the input ended inside a compressed stream.
    virtual bool finish(std::string& error) = 0;
};

std::unique_ptr<compressor> make_compressor(dialect::compression c);
std::unique_ptr<decompressor> make_decompressor(dialect::compression c);

// ".gz", ".zst", ".bz2" or "".
const char* file_extension(dialect::compression c);

}  // namespace localaws::redshift::bulk
