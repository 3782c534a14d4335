// aws-chunked bodies encoded with sigv4::chunked_signer (the client side), decoded here in every
// split a network might produce.
#include "tools/localaws/auth/chunked_decoder.hpp"
#include "sigv4/signing_key.hpp"

#include <gtest/gtest.h>

#include <random>

namespace localaws::auth {
namespace {
namespace sv = shiftsync::sigv4;

const std::string amz_date = "20261128T120000Z";
const std::string scope = "20261128/us-east-1/s3/aws4_request";
const std::string seed = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";

sv::hmac_key key() {
    auto k = sv::derive_signing_key("secret", "20261128", "us-east-1", "s3");
    return sv::hmac_key(std::span<const std::uint8_t>(k));
}

std::string encode(const std::string& payload, std::size_t chunk) {
    sv::chunked_signer signer(key(), amz_date, scope, seed);
    std::string out;
    for (std::size_t at = 0;; at += chunk) {
        std::string_view part = at < payload.size() ? std::string_view(payload).substr(at, chunk) : std::string_view{};
        signer.sign_chunk(part);
        out += signer.chunk_header(part.size());
        out += part;
        out += "\r\n";
        if (part.empty()) break;
    }
    return out;
}

std::string decode_in_pieces(chunked_decoder& d, std::string wire, std::size_t piece) {
    std::string out;
    for (std::size_t at = 0; at < wire.size(); at += piece) {
        std::string buf = wire.substr(at, piece);
        auto n = d.decode_in_place(std::as_writable_bytes(std::span(buf)), buf.size());
        out.append(buf.data(), n);
        if (d.failed()) break;
    }
    return out;
}

TEST(ChunkedDecoder, SignedChunksInAnySplit) {
    std::string payload(200'000, '\0');
    std::mt19937 rng(7);
    for (auto& c : payload) c = static_cast<char>(rng());
    std::string wire = encode(payload, 65536);
    EXPECT_EQ(wire.size(), sv::chunked_signer::encoded_length(payload.size(), 65536));
    for (std::size_t piece : {1ul, 7ul, 100ul, 4096ul, wire.size()}) {
        chunked_decoder d(sv::chunked_signer(key(), amz_date, scope, seed));
        EXPECT_EQ(decode_in_pieces(d, wire, piece), payload) << piece;
        EXPECT_TRUE(d.done()) << piece;
        EXPECT_FALSE(d.failed()) << d.error();
    }
}

TEST(ChunkedDecoder, TamperedDataFailsTheChunkSignature) {
    std::string wire = encode("hello world, in chunks", 5);
    wire[wire.find("hello") + 1] = 'E';
    chunked_decoder d(sv::chunked_signer(key(), amz_date, scope, seed));
    decode_in_pieces(d, wire, 3);
    EXPECT_TRUE(d.failed());
    EXPECT_TRUE(d.signature_failed());
}

TEST(ChunkedDecoder, WrongSeedFails) {
    std::string wire = encode("abc", 2);
    chunked_decoder d(sv::chunked_signer(key(), amz_date, scope, std::string(64, '0')));
    decode_in_pieces(d, wire, wire.size());
    EXPECT_TRUE(d.signature_failed());
}

TEST(ChunkedDecoder, UnsignedChunksWithTrailers) {
    std::string wire = "5\r\nhello\r\n6\r\n world\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n";
    chunked_decoder d(std::nullopt);
    EXPECT_EQ(decode_in_pieces(d, wire, 4), "hello world");
    EXPECT_TRUE(d.done());
    EXPECT_EQ(d.trailers().at("x-amz-checksum-crc32"), "DUoRhQ==");
}

TEST(ChunkedDecoder, TruncatedBodyIsNotDone) {
    std::string wire = encode("some data here", 4);
    chunked_decoder d(sv::chunked_signer(key(), amz_date, scope, seed));
    decode_in_pieces(d, wire.substr(0, wire.size() - 20), 8);
    EXPECT_FALSE(d.done());
}

TEST(ChunkedDecoder, MalformedHeader) {
    chunked_decoder d(std::nullopt);
    std::string wire = "zz\r\n";
    decode_in_pieces(d, wire, wire.size());
    EXPECT_TRUE(d.failed());
}

}  // namespace
}  // namespace localaws::auth
