#pragma once
// Just enough JWT for AssumeRoleWithWebIdentity: the claims STS looks at, and an RS256 signature
// check against one RSA public key (OpenSSL). No JWKS, no other algorithms.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace localaws::sts {

class rsa_public_key {
public:
    // Null when `pem` holds no public key.
    static std::shared_ptr<const rsa_public_key> from_pem(std::string_view pem);
    ~rsa_public_key();
    rsa_public_key(const rsa_public_key&) = delete;
    rsa_public_key& operator=(const rsa_public_key&) = delete;

    bool verify_sha256(std::string_view data, std::string_view signature) const;

private:
    explicit rsa_public_key(void* key) : key_(key) {}
    void* key_;  // EVP_PKEY*, kept out of this header
};

struct jwt {
    std::string algorithm;  // header "alg"
    std::string issuer, subject;
    std::vector<std::string> audiences;
    std::optional<long long> expires;  // "exp", seconds since the epoch
    std::string signing_input;         // "<header>.<payload>" as sent
    std::string signature;             // raw bytes

    bool signed_by(const rsa_public_key& key) const {
        return algorithm == "RS256" && key.verify_sha256(signing_input, signature);
    }
};

// Nullopt unless `text` is three base64url parts, the first two JSON objects.
std::optional<jwt> parse_jwt(std::string_view text);

}  // namespace localaws::sts
