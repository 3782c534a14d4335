#include "aws/s3/checksums.hpp"

#include <isa-l.h>
#include <openssl/evp.h>

#include <array>
#include <climits>

namespace shiftsync::aws::s3 {

std::string base64(std::span<const std::uint8_t> bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3), '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), bytes.data(), static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

std::string content_md5(std::string_view data) {
    std::array<std::uint8_t, EVP_MAX_MD_SIZE> digest{};
    unsigned int size = 0;
    EVP_Digest(data.data(), data.size(), digest.data(), &size, EVP_md5(), nullptr);
    return base64(std::span(digest.data(), size));
}

crc32c& crc32c::update(const void* data, std::size_t size) {
    auto* bytes = static_cast<unsigned char*>(const_cast<void*>(data));  // ISA-L's signature lacks const
    while (size > 0) {
        int chunk = size > static_cast<std::size_t>(INT_MAX) ? INT_MAX : static_cast<int>(size);
        state_ = crc32_iscsi(bytes, chunk, state_);
        bytes += chunk;
        size -= static_cast<std::size_t>(chunk);
    }
    return *this;
}

std::string crc32c::base64() const {
    std::uint32_t v = value();
    std::array<std::uint8_t, 4> be{static_cast<std::uint8_t>(v >> 24), static_cast<std::uint8_t>(v >> 16),
                                   static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v)};
    return s3::base64(be);
}

}  // namespace shiftsync::aws::s3
