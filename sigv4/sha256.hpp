#pragma once
// SHA-256 and HMAC-SHA256 for signing: small, copyable, allocation-free.
//
// Why not EVP: at the sizes SigV4 hashes (a few hundred bytes) OpenSSL 3's EVP dispatch costs more
// than the hashing itself, and an EVP context cannot be copied cheaply. The plain SHA256_CTX can, so
// an HMAC key's inner and outer pad states are computed once and copied per message (see hmac_key).
// The low-level functions use the same SHA-NI / AVX code as EVP.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace shiftsync::sigv4 {

using digest = std::array<std::uint8_t, 32>;

// Incremental SHA-256. Copyable: a copy continues from the same state.
class sha256 {
public:
    sha256();
    sha256& update(std::string_view data) { return update(data.data(), data.size()); }
    sha256& update(std::span<const std::byte> data) { return update(data.data(), data.size()); }
    sha256& update(const void* data, std::size_t size);
    digest finish();

private:
    // Layout of OpenSSL's SHA256_CTX (checked by a static_assert in sha256.cpp), kept opaque here so
    // that this header does not pull OpenSSL into every includer.
    alignas(8) std::array<std::byte, 112> state_;
};

digest sha256_of(std::string_view data);

// An HMAC-SHA256 key with its pad states precomputed: signing a message costs two hash
// finalisations instead of four compressions plus key setup.
class hmac_key {
public:
    explicit hmac_key(std::span<const std::uint8_t> key);
    explicit hmac_key(std::string_view key);
    digest sign(std::string_view message) const;

private:
    sha256 inner_;
    sha256 outer_;
};

digest hmac_sha256(std::string_view key, std::string_view message);

// Lower-case hex, as SigV4 prints hashes and signatures.
void append_hex(std::string& out, std::span<const std::uint8_t> bytes);
std::string to_hex(std::span<const std::uint8_t> bytes);

// The hex SHA-256 of the empty string: the payload hash of a request without a body.
inline constexpr std::string_view empty_payload_sha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

}  // namespace shiftsync::sigv4
