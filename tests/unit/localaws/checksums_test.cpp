#include "tools/localaws/s3/checksums.hpp"

#include <gtest/gtest.h>

namespace localaws::s3 {
namespace {

std::string digest_hex(digester::kind k, std::string_view data, std::size_t split) {
    digester d(k);
    for (std::size_t at = 0; at < data.size(); at += split)
        d.update(std::as_bytes(std::span(data.substr(at, split))));
    return hex_encode(d.finish());
}

TEST(Checksums, KnownVectorsInAnySplit) {
    constexpr std::string_view check = "123456789";
    for (std::size_t split : {1, 4, 9}) {
        EXPECT_EQ(digest_hex(digester::kind::crc32, check, split), "cbf43926");
        EXPECT_EQ(digest_hex(digester::kind::crc32c, check, split), "e3069283");
        EXPECT_EQ(digest_hex(digester::kind::md5, check, split), "25f9e794323b453885f5181f1b624d0b");
        EXPECT_EQ(digest_hex(digester::kind::sha1, check, split), "f7c3bc1d808e04732adf679965ccc34ca7ae3441");
        EXPECT_EQ(digest_hex(digester::kind::sha256, check, split),
                  "15e2b0d3c33891ebb0f1ef609ec419420c20e320ce94c65fbc8c3312448eb225");
    }
    EXPECT_EQ(digest_hex(digester::kind::crc32c, "", 1), "00000000");
}

TEST(Checksums, Base64RoundTrip) {
    for (std::string raw : {std::string(""), std::string("a"), std::string("ab"), std::string("abc"),
                            std::string("\x00\xff\x10", 3)}) {
        auto decoded = base64_decode(base64_encode(raw));
        ASSERT_TRUE(decoded);
        EXPECT_EQ(*decoded, raw);
    }
    EXPECT_EQ(base64_encode("hello"), "aGVsbG8=");
    EXPECT_FALSE(base64_decode("abc"));
}

TEST(Checksums, AlgorithmNames) {
    EXPECT_EQ(parse_checksum_algorithm("crc32c"), checksum_algorithm::crc32c);
    EXPECT_EQ(parse_checksum_algorithm("SHA256"), checksum_algorithm::sha256);
    EXPECT_FALSE(parse_checksum_algorithm("CRC64NVME"));
    EXPECT_EQ(checksum_header(checksum_algorithm::crc32), "x-amz-checksum-crc32");
}

}  // namespace
}  // namespace localaws::s3
