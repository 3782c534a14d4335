#include "sigv4/signing_key.hpp"

#include "sigv4/credentials.hpp"

#include <openssl/crypto.h>

#include <algorithm>

namespace shiftsync::sigv4 {

digest derive_signing_key(std::string_view secret, std::string_view date, std::string_view region,
                          std::string_view service) {
    std::string seed = "AWS4";
    seed.append(secret);
    digest k = hmac_sha256(seed, date);
    wipe(seed);
    auto as_view = [](const digest& d) { return std::string_view(reinterpret_cast<const char*>(d.data()), d.size()); };
    k = hmac_sha256(as_view(k), region);
    k = hmac_sha256(as_view(k), service);
    return hmac_sha256(as_view(k), "aws4_request");
}

signing_key_cache::~signing_key_cache() {
    for (auto& e : entries_) wipe(e.secret);
}

const hmac_key& signing_key_cache::get(std::string_view secret, std::string_view date, std::string_view region,
                                       std::string_view service) {
    auto hit = std::find_if(entries_.begin(), entries_.end(), [&](const entry& e) {
        return e.date == date && e.region == region && e.service == service && e.secret == secret;
    });
    if (hit != entries_.end()) {
        if (hit != entries_.begin()) std::rotate(entries_.begin(), hit, hit + 1);
        return entries_.front().key;
    }
    ++derivations_;
    digest raw = derive_signing_key(secret, date, region, service);
    entry fresh{std::string(secret), std::string(date), std::string(region), std::string(service), hmac_key(raw)};
    OPENSSL_cleanse(raw.data(), raw.size());
    if (entries_.size() >= capacity_) {
        wipe(entries_.back().secret);
        entries_.pop_back();
    }
    entries_.insert(entries_.begin(), std::move(fresh));
    return entries_.front().key;
}

void wipe(std::string& secret) noexcept {
    if (!secret.empty()) OPENSSL_cleanse(secret.data(), secret.size());
    secret.clear();
}

credentials::~credentials() {
    wipe(secret_access_key);
    wipe(session_token);
}

}  // namespace shiftsync::sigv4
