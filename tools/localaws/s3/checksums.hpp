#pragma once
// The digests S3 computes over object data: MD5 (ETags, Content-MD5) and the "additional checksums"
// (CRC32, CRC32C, SHA1, SHA256), fed incrementally as bytes stream through.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace localaws::s3 {

enum class checksum_algorithm { none, crc32, crc32c, sha1, sha256 };

std::optional<checksum_algorithm> parse_checksum_algorithm(std::string_view name);  // "CRC32C", any case
std::string_view algorithm_name(checksum_algorithm a);    // "CRC32C"
std::string_view checksum_header(checksum_algorithm a);   // "x-amz-checksum-crc32c"

// An incremental digest of one algorithm (MD5 included, for ETags). Movable, not copyable.
class digester {
public:
    enum class kind { md5, crc32, crc32c, sha1, sha256 };
    explicit digester(kind k);
    ~digester();
    digester(digester&&) noexcept;
    digester& operator=(digester&&) noexcept;
    void update(std::span<const std::byte> data);
    std::string finish();  // raw digest bytes (4 for CRCs, big-endian)

private:
    kind kind_;
    std::uint32_t crc_ = 0;
    void* evp_ = nullptr;  // EVP_MD_CTX for the hashes
};

digester::kind digester_kind(checksum_algorithm a);

std::string base64_encode(std::string_view raw);
std::optional<std::string> base64_decode(std::string_view text);
std::string hex_encode(std::string_view raw);

}  // namespace localaws::s3
