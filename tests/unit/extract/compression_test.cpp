#include "transfer/codec/compression.hpp"

#include <gtest/gtest.h>

#include <random>

using namespace shiftsync::transfer::codec;

namespace {

std::string compress(compression c, const std::string& text) {
    auto z = make_compressor(c);
    std::string out;
    z->write(text, out);
    z->finish(out);
    return out;
}

// Decompresses in small input pieces into a small output buffer, the hard way for the stream.
std::optional<std::string> decompress(compression c, const std::string& data, bool& complete) {
    auto d = make_decompressor(c);
    std::string out;
    char buffer[777];
    for (std::size_t at = 0; at < data.size(); at += 1000) {
        std::string_view in = std::string_view(data).substr(at, 1000);
        while (!in.empty()) {
            auto n = d->decompress(in, std::span<char>(buffer, sizeof buffer));
            if (!n) return std::nullopt;
            out.append(buffer, *n);
        }
    }
    complete = d->complete();
    return out;
}

std::string sample(std::size_t n) {
    std::mt19937 rng(7);
    std::string s;
    for (std::size_t i = 0; i < n; ++i) s += static_cast<char>('a' + rng() % 7);
    return s;
}

}  // namespace

TEST(Compression, GzipAndZstdRoundTrip) {
    std::string text = sample(300000);
    for (auto c : {compression::none, compression::gzip, compression::zstd}) {
        bool complete = false;
        auto back = decompress(c, compress(c, text), complete);
        ASSERT_TRUE(back);
        EXPECT_EQ(*back, text);
        EXPECT_TRUE(complete);
    }
}

TEST(Compression, ConcatenatedGzipMembersAreOneStream) {
    std::string a = sample(5000), b = "second member\n";
    bool complete = false;
    auto back = decompress(compression::gzip, compress(compression::gzip, a) + compress(compression::gzip, b), complete);
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, a + b);
    EXPECT_TRUE(complete);
}

TEST(Compression, TruncatedOrCorruptGzipIsNoticed) {
    std::string z = compress(compression::gzip, sample(100000));
    bool complete = true;
    auto cut = decompress(compression::gzip, z.substr(0, z.size() - 5), complete);
    EXPECT_TRUE(!cut || !complete);
    std::string corrupt = z;
    corrupt[corrupt.size() - 6] ^= 0x55;  // inside the CRC-32 trailer
    auto bad = decompress(compression::gzip, corrupt, complete);
    EXPECT_FALSE(bad.has_value());
}

TEST(Compression, NamesPickTheCodec) {
    EXPECT_EQ(compression_for_name("out.csv.gz"), compression::gzip);
    EXPECT_EQ(compression_for_name("out.ndjson.zst"), compression::zstd);
    EXPECT_EQ(compression_for_name("out.csv"), compression::none);
}
