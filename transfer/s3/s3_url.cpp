#include "transfer/s3/s3_url.hpp"

namespace shiftsync::transfer::s3 {

bool is_s3_url(std::string_view text) { return text.starts_with("s3://"); }

std::optional<s3_url> parse_s3_url(std::string_view text) {
    if (!is_s3_url(text)) return std::nullopt;
    text.remove_prefix(5);
    auto slash = text.find('/');
    s3_url out;
    out.bucket = std::string(text.substr(0, slash));
    if (slash != std::string_view::npos) out.key = std::string(text.substr(slash + 1));
    if (out.bucket.empty()) return std::nullopt;
    return out;
}

std::string key_basename(std::string_view key) {
    auto slash = key.find_last_of('/');
    return std::string(slash == std::string_view::npos ? key : key.substr(slash + 1));
}

}  // namespace shiftsync::transfer::s3
