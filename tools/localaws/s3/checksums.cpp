#include "tools/localaws/s3/checksums.hpp"

#include <isa-l/crc.h>
#include <openssl/evp.h>
#include <zlib.h>

#include <algorithm>
#include <cctype>

namespace localaws::s3 {

std::optional<checksum_algorithm> parse_checksum_algorithm(std::string_view name) {
    std::string upper(name);
    std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return std::toupper(c); });
    if (upper == "CRC32") return checksum_algorithm::crc32;
    if (upper == "CRC32C") return checksum_algorithm::crc32c;
    if (upper == "SHA1") return checksum_algorithm::sha1;
    if (upper == "SHA256") return checksum_algorithm::sha256;
    return std::nullopt;
}

std::string_view algorithm_name(checksum_algorithm a) {
    switch (a) {
    case checksum_algorithm::crc32: return "CRC32";
    case checksum_algorithm::crc32c: return "CRC32C";
    case checksum_algorithm::sha1: return "SHA1";
    case checksum_algorithm::sha256: return "SHA256";
    case checksum_algorithm::none: break;
    }
    return "";
}

std::string_view checksum_header(checksum_algorithm a) {
    switch (a) {
    case checksum_algorithm::crc32: return "x-amz-checksum-crc32";
    case checksum_algorithm::crc32c: return "x-amz-checksum-crc32c";
    case checksum_algorithm::sha1: return "x-amz-checksum-sha1";
    case checksum_algorithm::sha256: return "x-amz-checksum-sha256";
    case checksum_algorithm::none: break;
    }
    return "";
}

digester::kind digester_kind(checksum_algorithm a) {
    switch (a) {
    case checksum_algorithm::crc32: return digester::kind::crc32;
    case checksum_algorithm::crc32c: return digester::kind::crc32c;
    case checksum_algorithm::sha1: return digester::kind::sha1;
    default: return digester::kind::sha256;
    }
}

digester::digester(kind k) : kind_(k) {
    const EVP_MD* md = nullptr;
    if (k == kind::md5) md = EVP_md5();
    if (k == kind::sha1) md = EVP_sha1();
    if (k == kind::sha256) md = EVP_sha256();
    if (md) {
        auto* ctx = EVP_MD_CTX_new();
        EVP_DigestInit_ex(ctx, md, nullptr);
        evp_ = ctx;
    }
}

digester::~digester() {
    if (evp_) EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(evp_));
}

digester::digester(digester&& o) noexcept : kind_(o.kind_), crc_(o.crc_), evp_(o.evp_) { o.evp_ = nullptr; }

digester& digester::operator=(digester&& o) noexcept {
    std::swap(kind_, o.kind_);
    std::swap(crc_, o.crc_);
    std::swap(evp_, o.evp_);
    return *this;
}

void digester::update(std::span<const std::byte> data) {
    const auto* p = reinterpret_cast<const unsigned char*>(data.data());
    switch (kind_) {
    case kind::crc32:
        crc_ = static_cast<std::uint32_t>(::crc32(crc_, p, static_cast<uInt>(data.size())));
        break;
    case kind::crc32c:
        // ISA-L's iSCSI CRC works on the inverted register: feed it ~crc and invert the result.
        crc_ = ~crc32_iscsi(const_cast<unsigned char*>(p), static_cast<int>(data.size()), ~crc_);
        break;
    default: EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(evp_), p, data.size()); break;
    }
}

std::string digester::finish() {
    if (kind_ == kind::crc32 || kind_ == kind::crc32c) {
        std::string out(4, '\0');
        for (int i = 0; i < 4; ++i) out[i] = static_cast<char>((crc_ >> (24 - 8 * i)) & 0xff);
        return out;
    }
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(static_cast<EVP_MD_CTX*>(evp_), md, &len);
    return std::string(reinterpret_cast<char*>(md), len);
}

std::string base64_encode(std::string_view raw) {
    std::string out(4 * ((raw.size() + 2) / 3), '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<const unsigned char*>(raw.data()), static_cast<int>(raw.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
    if (text.size() % 4 != 0) return std::nullopt;
    std::string out(3 * text.size() / 4, '\0');
    int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
    if (n < 0) return std::nullopt;
    // EVP_DecodeBlock counts padding as zero bytes: trim them.
    std::size_t pad = text.ends_with("==") ? 2 : text.ends_with("=") ? 1 : 0;
    out.resize(static_cast<std::size_t>(n) - pad);
    return out;
}

std::string hex_encode(std::string_view raw) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(raw.size() * 2);
    for (unsigned char c : raw) {
        out.push_back(digits[c >> 4]);
        out.push_back(digits[c & 15]);
    }
    return out;
}

}  // namespace localaws::s3
