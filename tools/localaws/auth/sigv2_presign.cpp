// S3 presigned URLs in the legacy Signature Version 2 form (?AWSAccessKeyId=&Expires=&Signature=).
// The AWS CLI v1 still presigns that way unless its config says `s3 = signature_version = s3v4`, so a
// user who runs `aws s3 presign` against localaws gets a working URL, as with S3 in us-east-1.
//
//   StringToSign = VERB \n Content-MD5 \n Content-Type \n Expires \n
//                  <x-amz-* query parameters as "name:value\n", sorted> <path as sent>[?<sub-resources>]
//   Signature    = Base64(HMAC-SHA1(secret, StringToSign))
#include "tools/localaws/auth/sigv2_presign.hpp"

#include "sigv4/authorization.hpp"
#include "sigv4/uri_encoding.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <map>

namespace localaws::auth {
namespace {

// Sub-resources that enter the canonical resource, as S3 (and botocore's HmacV1Auth) list them.
constexpr std::array<std::string_view, 21> sub_resources = {
    "acl", "delete", "lifecycle", "location", "logging", "notification", "partNumber", "policy",
    "requestPayment", "response-cache-control", "response-content-disposition", "response-content-encoding",
    "response-content-language", "response-content-type", "response-expires", "tagging", "torrent", "uploadId",
    "uploads", "versionId", "versioning"};

std::string hmac_sha1_base64(std::string_view secret, std::string_view text) {
    unsigned char mac[EVP_MAX_MD_SIZE];
    std::size_t len = 0;
    EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA1", nullptr, secret.data(), secret.size(),
              reinterpret_cast<const unsigned char*>(text.data()), text.size(), mac, sizeof mac, &len);
    std::string out(4 * ((len + 2) / 3), '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), mac, static_cast<int>(len));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

}  // namespace

bool is_sigv2_presigned(std::string_view raw_query) {
    auto has = [&](std::string_view name) {
        auto at = raw_query.find(name);
        return at != std::string_view::npos && (at == 0 || raw_query[at - 1] == '&');
    };
    return has("AWSAccessKeyId=") && has("Signature=") && has("Expires=");
}

verified_request verify_sigv2_presigned(const verify_input& in, const iam::directory& directory) {
    verified_request v;
    v.service = "s3";
    std::map<std::string, std::string> amz;  // x-amz-* parameters, lower-cased names
    std::vector<std::pair<std::string, std::string>> subs;
    std::string key_id, signature, expires, content_type, content_md5;
    std::string_view query = in.raw_query;
    while (!query.empty()) {
        auto amp = query.find('&');
        std::string_view pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        auto eq = pair.find('=');
        std::string name(pair.substr(0, eq));
        std::string value = eq == std::string_view::npos ? std::string{} : shiftsync::sigv4::percent_decode(pair.substr(eq + 1));
        std::string lower = name;
        std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
        if (name == "AWSAccessKeyId") key_id = value;
        else if (name == "Signature") signature = value;
        else if (name == "Expires") expires = value;
        else if (lower == "content-type") content_type = value;
        else if (lower == "content-md5") content_md5 = value;
        else if (lower.starts_with("x-amz-")) amz[lower] = value;
        else if (std::find(sub_resources.begin(), sub_resources.end(), name) != sub_resources.end())
            subs.emplace_back(name, eq == std::string_view::npos ? std::string{} : value);
    }
    v.access_key_id = key_id;
    auto key = directory.find_key(key_id);
    if (!key) {
        v.why = failure::unknown_key;
        return v;
    }
    long long expiry = 0;
    auto [end, ec] = std::from_chars(expires.data(), expires.data() + expires.size(), expiry);
    if (ec != std::errc{} || end != expires.data() + expires.size()) {
        v.why = failure::malformed;
        v.detail = "Expires must be a number of seconds since the epoch";
        return v;
    }
    if (std::chrono::system_clock::to_time_t(in.shifted_now) > expiry) {
        v.why = failure::presign_expired;
        v.detail = expires;
        return v;
    }
    std::string sts = std::string(in.method) + "\n" + content_md5 + "\n" + content_type + "\n" + expires + "\n";
    for (const auto& [n, val] : amz) sts += n + ":" + val + "\n";
    sts.append(in.raw_path);
    std::sort(subs.begin(), subs.end());
    for (std::size_t i = 0; i < subs.size(); ++i) {
        sts += i == 0 ? "?" : "&";
        sts += subs[i].first;
        if (!subs[i].second.empty()) sts += "=" + subs[i].second;
    }
    std::string expected = hmac_sha1_base64(key->secret, sts);
    if (!shiftsync::sigv4::signatures_equal(expected, signature)) {
        v.why = failure::signature_mismatch;
        v.string_to_sign = std::move(sts);
        return v;
    }
    auto token = amz.find("x-amz-security-token");
    v.why = check_session_token(*key, token == amz.end() ? std::string_view{} : std::string_view(token->second), in.shifted_now);
    if (v.why != failure::none) return v;
    v.who = std::move(key->who);
    v.payload_hash = "UNSIGNED-PAYLOAD";
    return v;
}

}  // namespace localaws::auth
