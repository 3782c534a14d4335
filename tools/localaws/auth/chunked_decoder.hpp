#pragma once
// Decodes an aws-chunked request body (S3 streaming uploads), sans-IO:
//
//   <hex size>[;chunk-signature=<sig>]\r\n <data> \r\n ... 0[;chunk-signature=<sig>]\r\n [trailers] \r\n
//
// For STREAMING-AWS4-HMAC-SHA256-PAYLOAD every chunk signature is checked as it completes, chained on
// the request's seed signature (sigv4/chunked_signer.hpp computes the expected value). For
// STREAMING-UNSIGNED-PAYLOAD-TRAILER the chunks are plain and trailers (x-amz-checksum-*) are
// collected for the caller to check.

#include "sigv4/chunked_signer.hpp"
#include "sigv4/sha256.hpp"

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>

namespace localaws::auth {

class chunked_decoder {
public:
    // `verifier` absent: unsigned chunks.
    explicit chunked_decoder(std::optional<shiftsync::sigv4::chunked_signer> verifier);

    // Decodes `n` raw bytes at the start of `buffer` in place; returns how many decoded bytes now sit
    // at its start. After an error, error() is set and the rest of the body must be ignored.
    std::size_t decode_in_place(std::span<std::byte> buffer, std::size_t n);

    bool done() const { return state_ == state::done; }
    bool failed() const { return state_ == state::failed; }
    bool signature_failed() const { return signature_failed_; }
    const std::string& error() const { return error_; }
    const std::map<std::string, std::string>& trailers() const { return trailers_; }
    std::uint64_t decoded_bytes() const { return decoded_; }

private:
    enum class state { header, data, data_end, trailer, done, failed };
    bool finish_header();
    bool finish_chunk();
    void fail(std::string why, bool signature = false);

    std::optional<shiftsync::sigv4::chunked_signer> verifier_;
    state state_ = state::header;
    std::string line_;
    std::uint64_t remaining_ = 0;
    std::uint64_t chunk_size_ = 0;
    std::string expected_signature_;
    shiftsync::sigv4::sha256 chunk_hash_;
    std::map<std::string, std::string> trailers_;
    std::string error_;
    bool signature_failed_ = false;
    std::uint64_t decoded_ = 0;
};

}  // namespace localaws::auth
