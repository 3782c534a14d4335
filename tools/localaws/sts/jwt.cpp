#include "tools/localaws/sts/jwt.hpp"

#include <boost/json.hpp>
#include <openssl/evp.h>
#include <openssl/pem.h>

namespace localaws::sts {
namespace json = boost::json;
namespace {

std::optional<std::string> base64url_decode(std::string_view in) {
    std::string out;
    out.reserve(in.size() * 3 / 4);
    unsigned buffer = 0;
    int bits = 0;
    for (char c : in) {
        int v;
        if (c >= 'A' && c <= 'Z') v = c - 'A';
        else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
        else if (c >= '0' && c <= '9') v = c - '0' + 52;
        else if (c == '-') v = 62;
        else if (c == '_') v = 63;
        else if (c == '=') break;  // padding is optional in JWTs; tolerate it
        else return std::nullopt;
        buffer = (buffer << 6) | static_cast<unsigned>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((buffer >> bits) & 0xff));
        }
    }
    return out;
}

std::optional<json::object> json_part(std::string_view part) {
    auto text = base64url_decode(part);
    if (!text) return std::nullopt;
    boost::system::error_code ec;
    auto v = json::parse(*text, ec);
    if (ec || !v.is_object()) return std::nullopt;
    return std::move(v.as_object());
}

std::string string_claim(const json::object& o, const char* name) {
    const auto* v = o.if_contains(name);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

}  // namespace

std::shared_ptr<const rsa_public_key> rsa_public_key::from_pem(std::string_view pem) {
    BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
    if (!bio) return nullptr;
    EVP_PKEY* key = PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    if (!key) return nullptr;
    if (EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA) {
        EVP_PKEY_free(key);
        return nullptr;
    }
    return std::shared_ptr<const rsa_public_key>(new rsa_public_key(key));
}

rsa_public_key::~rsa_public_key() { EVP_PKEY_free(static_cast<EVP_PKEY*>(key_)); }

bool rsa_public_key::verify_sha256(std::string_view data, std::string_view signature) const {
    EVP_MD_CTX* md = EVP_MD_CTX_new();
    if (!md) return false;
    bool ok = EVP_DigestVerifyInit(md, nullptr, EVP_sha256(), nullptr, static_cast<EVP_PKEY*>(key_)) == 1 &&
              EVP_DigestVerify(md, reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                               reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1;
    EVP_MD_CTX_free(md);
    return ok;
}

std::optional<jwt> parse_jwt(std::string_view text) {
    auto first = text.find('.');
    auto second = first == std::string_view::npos ? first : text.find('.', first + 1);
    if (second == std::string_view::npos || text.find('.', second + 1) != std::string_view::npos) return std::nullopt;
    auto header = json_part(text.substr(0, first));
    auto payload = json_part(text.substr(first + 1, second - first - 1));
    auto signature = base64url_decode(text.substr(second + 1));
    if (!header || !payload || !signature) return std::nullopt;
    jwt out;
    out.algorithm = string_claim(*header, "alg");
    out.issuer = string_claim(*payload, "iss");
    out.subject = string_claim(*payload, "sub");
    if (const auto* aud = payload->if_contains("aud")) {
        if (aud->is_string()) out.audiences.emplace_back(aud->as_string());
        else if (aud->is_array())
            for (const auto& a : aud->as_array())
                if (a.is_string()) out.audiences.emplace_back(a.as_string());
    }
    if (const auto* exp = payload->if_contains("exp")) {
        if (exp->is_int64()) out.expires = exp->as_int64();
        else if (exp->is_uint64()) out.expires = static_cast<long long>(exp->as_uint64());
        else if (exp->is_double()) out.expires = static_cast<long long>(exp->as_double());
    }
    out.signing_input = std::string(text.substr(0, second));
    out.signature = std::move(*signature);
    return out;
}

}  // namespace localaws::sts
