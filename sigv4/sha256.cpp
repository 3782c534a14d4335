// The low-level SHA256_* functions are deprecated in OpenSSL 3 in favour of EVP, but they remain
// supported through 3.x and are the only copyable context; see sha256.hpp for why that matters.
#define OPENSSL_SUPPRESS_DEPRECATED
#include "sigv4/sha256.hpp"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <cstring>

namespace shiftsync::sigv4 {
namespace {

static_assert(sizeof(SHA256_CTX) <= 112, "sha256::state_ must hold an OpenSSL SHA256_CTX");

SHA256_CTX* ctx(std::array<std::byte, 112>& state) { return reinterpret_cast<SHA256_CTX*>(state.data()); }

constexpr std::size_t block_size = 64;

}  // namespace

sha256::sha256() { SHA256_Init(ctx(state_)); }

sha256& sha256::update(const void* data, std::size_t size) {
    SHA256_Update(ctx(state_), data, size);
    return *this;
}

digest sha256::finish() {
    digest out;
    SHA256_Final(out.data(), ctx(state_));
    return out;
}

digest sha256_of(std::string_view data) {
    // Not OpenSSL's one-shot SHA256(): in OpenSSL 3 it detours through EVP_Q_digest, fetching the
    // algorithm (and taking a lock) on every call.
    sha256 h;
    h.update(data);
    return h.finish();
}

hmac_key::hmac_key(std::string_view key)
    : hmac_key(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(key.data()), key.size())) {}

hmac_key::hmac_key(std::span<const std::uint8_t> key) {
    std::array<std::uint8_t, block_size> block{};
    if (key.size() > block_size) {
        sha256 h;
        h.update(key.data(), key.size());
        digest d = h.finish();
        std::memcpy(block.data(), d.data(), d.size());
    } else if (!key.empty()) {
        std::memcpy(block.data(), key.data(), key.size());
    }
    std::array<std::uint8_t, block_size> pad;
    for (std::size_t i = 0; i < block_size; ++i) pad[i] = block[i] ^ 0x36;
    inner_.update(pad.data(), pad.size());
    for (std::size_t i = 0; i < block_size; ++i) pad[i] = block[i] ^ 0x5c;
    outer_.update(pad.data(), pad.size());
    OPENSSL_cleanse(block.data(), block.size());
    OPENSSL_cleanse(pad.data(), pad.size());
}

digest hmac_key::sign(std::string_view message) const {
    sha256 inner = inner_;
    inner.update(message);
    digest inner_digest = inner.finish();
    sha256 outer = outer_;
    outer.update(inner_digest.data(), inner_digest.size());
    return outer.finish();
}

digest hmac_sha256(std::string_view key, std::string_view message) { return hmac_key(key).sign(message); }

void append_hex(std::string& out, std::span<const std::uint8_t> bytes) {
    // Two characters per byte from one table lookup.
    static constexpr auto pairs = [] {
        std::array<char, 512> t{};
        constexpr char digits[] = "0123456789abcdef";
        for (int b = 0; b < 256; ++b) {
            t[2 * b] = digits[b >> 4];
            t[2 * b + 1] = digits[b & 0x0f];
        }
        return t;
    }();
    std::size_t at = out.size();
    out.resize(at + bytes.size() * 2);
    char* w = out.data() + at;
    for (std::uint8_t b : bytes) {
        std::memcpy(w, &pairs[2 * b], 2);
        w += 2;
    }
}

std::string to_hex(std::span<const std::uint8_t> bytes) {
    std::string out;
    append_hex(out, bytes);
    return out;
}

}  // namespace shiftsync::sigv4
