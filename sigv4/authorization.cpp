#include "sigv4/authorization.hpp"

#include "sigv4/signer.hpp"
#include "sigv4/uri_encoding.hpp"

#include <charconv>

namespace shiftsync::sigv4 {
namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

bool parse_credential(std::string_view text, credential_scope& out, std::string& error) {
    // AKID/date/region/service/aws4_request — the key id itself never contains '/'.
    std::string_view parts[5];
    for (int i = 0; i < 4; ++i) {
        auto slash = text.find('/');
        if (slash == std::string_view::npos) {
            error = "Credential must have the form <key-id>/<date>/<region>/<service>/aws4_request";
            return false;
        }
        parts[i] = text.substr(0, slash);
        text.remove_prefix(slash + 1);
    }
    parts[4] = text;
    out = {std::string(parts[0]), std::string(parts[1]), std::string(parts[2]), std::string(parts[3]),
           std::string(parts[4])};
    if (out.terminator != "aws4_request") {
        error = "Credential scope must end with aws4_request, not '" + out.terminator + "'";
        return false;
    }
    if (out.date.size() != 8) {
        error = "Credential date must be YYYYMMDD";
        return false;
    }
    return true;
}

std::vector<std::string> split_signed_headers(std::string_view list) {
    std::vector<std::string> names;
    while (!list.empty()) {
        auto semi = list.find(';');
        names.emplace_back(list.substr(0, semi));
        if (semi == std::string_view::npos) break;
        list.remove_prefix(semi + 1);
    }
    return names;
}

}  // namespace

std::optional<parsed_authorization> parse_authorization_header(std::string_view header, std::string& error) {
    header = trim(header);
    if (!header.starts_with(algorithm) || header.size() == algorithm.size() || header[algorithm.size()] != ' ') {
        error = "Authorization header must start with AWS4-HMAC-SHA256";
        return std::nullopt;
    }
    header.remove_prefix(algorithm.size());
    parsed_authorization out;
    bool have_credential = false, have_headers = false, have_signature = false;
    while (!header.empty()) {
        auto comma = header.find(',');
        std::string_view item = trim(header.substr(0, comma));
        header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
        auto eq = item.find('=');
        if (eq == std::string_view::npos) {
            error = "Authorization header component '" + std::string(item.substr(0, 32)) + "' is not key=value";
            return std::nullopt;
        }
        std::string_view key = item.substr(0, eq), value = item.substr(eq + 1);
        if (key == "Credential") {
            if (!parse_credential(value, out.credential, error)) return std::nullopt;
            have_credential = true;
        } else if (key == "SignedHeaders") {
            out.signed_headers = split_signed_headers(value);
            have_headers = true;
        } else if (key == "Signature") {
            out.signature = std::string(value);
            have_signature = true;
        }
    }
    if (!have_credential || !have_headers || !have_signature) {
        error = "Authorization header requires Credential, SignedHeaders and Signature";
        return std::nullopt;
    }
    return out;
}

std::optional<parsed_authorization> parse_presigned_query(std::string_view query, std::string& error) {
    parsed_authorization out;
    bool have_algorithm = false, have_credential = false, have_headers = false, have_signature = false,
         have_date = false;
    while (!query.empty()) {
        auto amp = query.find('&');
        std::string_view pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        auto eq = pair.find('=');
        std::string_view key = pair.substr(0, eq);
        std::string value = eq == std::string_view::npos ? std::string{} : percent_decode(pair.substr(eq + 1));
        if (key == "X-Amz-Algorithm") {
            if (value != algorithm) {
                error = "X-Amz-Algorithm must be AWS4-HMAC-SHA256";
                return std::nullopt;
            }
            have_algorithm = true;
        } else if (key == "X-Amz-Credential") {
            if (!parse_credential(value, out.credential, error)) return std::nullopt;
            have_credential = true;
        } else if (key == "X-Amz-SignedHeaders") {
            out.signed_headers = split_signed_headers(value);
            have_headers = true;
        } else if (key == "X-Amz-Signature") {
            out.signature = value;
            have_signature = true;
        } else if (key == "X-Amz-Date") {
            out.amz_date = value;
            have_date = true;
        } else if (key == "X-Amz-Expires") {
            auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), out.expires_seconds);
            if (ec != std::errc{} || end != value.data() + value.size()) {
                error = "X-Amz-Expires must be a number of seconds";
                return std::nullopt;
            }
        } else if (key == "X-Amz-Security-Token") {
            out.security_token = value;
        }
    }
    if (!have_algorithm || !have_credential || !have_headers || !have_signature || !have_date) {
        error = "a presigned URL requires X-Amz-Algorithm, X-Amz-Credential, X-Amz-Date, X-Amz-SignedHeaders "
                "and X-Amz-Signature";
        return std::nullopt;
    }
    return out;
}

std::string compute_signature(const hmac_key& signing_key, std::string_view amz_date, std::string_view scope,
                              std::string_view canonical_request, std::string* string_to_sign) {
    std::string sts;
    build_string_to_sign(sts, amz_date, scope, canonical_request);
    std::string hex;
    append_hex(hex, signing_key.sign(sts));
    if (string_to_sign) *string_to_sign = std::move(sts);
    return hex;
}

bool signatures_equal(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    unsigned char diff = 0;
    for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    return diff == 0;
}

}  // namespace shiftsync::sigv4
