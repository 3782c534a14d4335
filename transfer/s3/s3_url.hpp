#pragma once
// "s3://bucket/key" as users type it (the key unencoded, as the AWS CLI takes it).

#include <optional>
#include <string>
#include <string_view>

namespace shiftsync::transfer::s3 {

struct s3_url {
    std::string bucket;
    std::string key;  // may be empty (the bucket) or end in '/' (a prefix)
    std::string to_string() const { return "s3://" + bucket + "/" + key; }
};

bool is_s3_url(std::string_view text);

// nullopt unless `text` is s3://<bucket>[/<key>] with a non-empty bucket.
std::optional<s3_url> parse_s3_url(std::string_view text);

// The last path segment of a key ("a/b/c.csv" -> "c.csv"), for copying into a directory.
std::string key_basename(std::string_view key);

}  // namespace shiftsync::transfer::s3
