#pragma once
// The SigV4 signing key: HMAC chain over "AWS4"+secret, date, region, service, "aws4_request".
// Deriving it costs four HMACs; a signer signs thousands of requests with the same key per day, so
// keys are cached per (secret, date, region, service).

#include "sigv4/sha256.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace shiftsync::sigv4 {

// date: "YYYYMMDD".
digest derive_signing_key(std::string_view secret, std::string_view date, std::string_view region,
                          std::string_view service);

// A small most-recently-used cache of ready-to-use HMAC keys. Not thread-safe: one per signer.
class signing_key_cache {
public:
    explicit signing_key_cache(std::size_t capacity = 8) : capacity_(capacity) {}
    signing_key_cache(const signing_key_cache&) = delete;
    signing_key_cache& operator=(const signing_key_cache&) = delete;
    ~signing_key_cache();

    const hmac_key& get(std::string_view secret, std::string_view date, std::string_view region,
                        std::string_view service);

    std::size_t derivations() const { return derivations_; }  // cache misses so far

private:
    struct entry {
        std::string secret, date, region, service;
        hmac_key key;
    };
    std::size_t capacity_;
    std::size_t derivations_ = 0;
    std::vector<entry> entries_;  // front = most recently used
};

}  // namespace shiftsync::sigv4
