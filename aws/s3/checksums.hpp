#pragma once
// The checksums S3 checks on upload: Content-MD5 (required by DeleteObjects) and
// x-amz-checksum-crc32c (hardware CRC32C through ISA-L), both base64 of the big-endian digest.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace shiftsync::aws::s3 {

std::string base64(std::span<const std::uint8_t> bytes);

std::string content_md5(std::string_view data);

// Incremental CRC32C (Castagnoli), for bodies checksummed while they are produced.
class crc32c {
public:
    crc32c& update(std::string_view data) { return update(data.data(), data.size()); }
    crc32c& update(const void* data, std::size_t size);
    std::uint32_t value() const { return ~state_; }
    std::string base64() const;  // the x-amz-checksum-crc32c header value

private:
    std::uint32_t state_ = 0xffffffffu;
};

}  // namespace shiftsync::aws::s3
