#include "sigv4/chunked_signer.hpp"

#include <charconv>

namespace shiftsync::sigv4 {
namespace {

constexpr std::string_view chunk_algorithm = "AWS4-HMAC-SHA256-PAYLOAD";
constexpr std::string_view empty_hash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
// ";chunk-signature=" + 64 hex digits + "\r\n" after the size, "\r\n" after the data.
constexpr std::uint64_t chunk_overhead = 17 + 64 + 2 + 2;

std::uint64_t hex_digits(std::uint64_t n) {
    std::uint64_t d = 1;
    while (n >= 16) {
        n /= 16;
        ++d;
    }
    return d;
}

}  // namespace

chunked_signer::chunked_signer(const hmac_key& key, std::string amz_date, std::string scope,
                               std::string seed_signature)
    : key_(key), amz_date_(std::move(amz_date)), scope_(std::move(scope)), previous_(std::move(seed_signature)) {}

const std::string& chunked_signer::sign_chunk(std::span<const std::byte> data) {
    sha256 h;
    h.update(data);
    return sign_chunk_digest(h.finish());
}

const std::string& chunked_signer::sign_chunk(std::string_view data) { return sign_chunk_digest(sha256_of(data)); }

const std::string& chunked_signer::sign_chunk_digest(const digest& data_sha256) {
    string_to_sign_.clear();
    string_to_sign_.append(chunk_algorithm).push_back('\n');
    string_to_sign_.append(amz_date_).push_back('\n');
    string_to_sign_.append(scope_).push_back('\n');
    string_to_sign_.append(previous_).push_back('\n');
    string_to_sign_.append(empty_hash).push_back('\n');
    append_hex(string_to_sign_, data_sha256);
    digest sig = key_.sign(string_to_sign_);
    previous_.clear();
    append_hex(previous_, sig);
    return previous_;
}

std::string chunked_signer::chunk_header(std::uint64_t size) const {
    char digits[20];
    auto [end, ec] = std::to_chars(digits, digits + sizeof digits, size, 16);
    std::string out(digits, end);
    out.append(";chunk-signature=").append(previous_).append("\r\n");
    return out;
}

std::uint64_t chunked_signer::encoded_length(std::uint64_t payload, std::uint64_t chunk_size) {
    std::uint64_t full = chunk_size ? payload / chunk_size : 0;
    std::uint64_t rest = chunk_size ? payload % chunk_size : payload;
    std::uint64_t total = full * (hex_digits(chunk_size) + chunk_overhead + chunk_size);
    if (rest) total += hex_digits(rest) + chunk_overhead + rest;
    total += 1 + chunk_overhead;  // "0;chunk-signature=...\r\n\r\n"
    return total;
}

}  // namespace shiftsync::sigv4
