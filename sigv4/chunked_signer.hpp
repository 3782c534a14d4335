#pragma once
// S3 streaming uploads signed chunk by chunk (x-amz-content-sha256: STREAMING-AWS4-HMAC-SHA256-PAYLOAD).
//
// The request's headers are signed first (the "seed" signature, with content-encoding: aws-chunked,
// x-amz-decoded-content-length and the encoded content-length among them). Each chunk is then sent as
//
//   hex(size) ";chunk-signature=" signature "\r\n" data "\r\n"
//
// where each chunk's signature chains on the previous one, and a final zero-length chunk ends the
// body. A chunk signature is HMAC(signing key, string to sign):
//
//   AWS4-HMAC-SHA256-PAYLOAD \n amz_date \n scope \n previous_signature \n sha256("") \n sha256(data)

#include "sigv4/sha256.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace shiftsync::sigv4 {

class chunked_signer {
public:
    // `key` is the scope's signing key (signer::key_for); `seed_signature` the request's signature.
    chunked_signer(const hmac_key& key, std::string amz_date, std::string scope, std::string seed_signature);

    // Signs the next chunk and returns its signature (hex); the chain moves on.
    const std::string& sign_chunk(std::span<const std::byte> data);
    const std::string& sign_chunk(std::string_view data);
    // The same, for a chunk whose SHA-256 the caller already computed while reading it.
    const std::string& sign_chunk_digest(const digest& data_sha256);

    // "<hex size>;chunk-signature=<signature>\r\n" for the chunk just signed.
    std::string chunk_header(std::uint64_t size) const;

    const std::string& previous_signature() const { return previous_; }

    // Total encoded body length (the Content-Length to send) for `payload` bytes cut into chunks of
    // `chunk_size`, including the final empty chunk.
    static std::uint64_t encoded_length(std::uint64_t payload, std::uint64_t chunk_size);

private:
    hmac_key key_;
    std::string amz_date_;
    std::string scope_;
    std::string previous_;
    std::string string_to_sign_;
};

}  // namespace shiftsync::sigv4
