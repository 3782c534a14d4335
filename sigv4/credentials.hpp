#pragma once
// AWS credentials as the signer needs them. The secret and the session token are secrets: this type
// has no stream operator on purpose, and its memory is wiped when it goes away.

#include <string>

namespace shiftsync::sigv4 {

struct credentials {
    std::string access_key_id;
    std::string secret_access_key;
    std::string session_token;  // empty for long-term keys

    credentials() = default;
    credentials(std::string key_id, std::string secret, std::string token = {})
        : access_key_id(std::move(key_id)), secret_access_key(std::move(secret)), session_token(std::move(token)) {}
    credentials(const credentials&) = default;
    credentials(credentials&&) noexcept = default;
    credentials& operator=(const credentials&) = default;
    credentials& operator=(credentials&&) noexcept = default;
    ~credentials();
};

// Wipes a string's bytes (not just its size) so a secret does not linger in freed memory.
void wipe(std::string& secret) noexcept;

}  // namespace shiftsync::sigv4
