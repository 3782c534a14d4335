#include "transfer/staging/staging_location.hpp"

#include "transfer/staging/staging_error.hpp"

#include <algorithm>

namespace shiftsync::transfer::staging {
namespace {

// Characters a bucket name may hold, including the legacy (pre-2018, us-east-1) upper case and '_':
// anything else is a typo or a pasted URL (https://..., a '?' query), never a bucket.
bool bucket_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
}

}  // namespace

boost::system::result<staging_location> parse_staging_url(std::string_view url, std::string& why) {
    const std::string shown(url);
    if (!url.starts_with("s3://")) {
        why = "a staging location is s3://BUCKET/PREFIX/, got '" + shown + "'";
        return errc::invalid_url;
    }
    url.remove_prefix(5);
    auto slash = url.find('/');
    staging_location out;
    out.bucket = std::string(url.substr(0, slash));
    if (out.bucket.empty()) {
        why = "no bucket in '" + shown + "' (s3://BUCKET/PREFIX/)";
        return errc::invalid_url;
    }
    if (!std::all_of(out.bucket.begin(), out.bucket.end(), bucket_char)) {
        why = "'" + out.bucket + "' is not an S3 bucket name (letters, digits, '.', '-')";
        return errc::invalid_url;
    }
    if (slash != std::string_view::npos) out.prefix = std::string(url.substr(slash + 1));
    // An empty segment ("a//b/", a leading '/') is legal in S3 but almost always a typo, and a run
    // prefix below it would be a place nobody looks at.
    if (out.prefix.starts_with('/') || out.prefix.find("//") != std::string::npos) {
        why = "the prefix '" + out.prefix + "' in '" + shown + "' has an empty path segment";
        return errc::invalid_url;
    }
    if (!out.prefix.empty() && !out.prefix.ends_with('/')) out.prefix += '/';
    return out;
}

}  // namespace shiftsync::transfer::staging
