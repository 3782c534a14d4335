#pragma once
// Where a user lets shiftsync stage data: s3://bucket/prefix/. Every run works below it under a
// prefix of its own (staging_run.hpp), and `shiftsync sweep` looks only one level below it.

#include <boost/system/result.hpp>

#include <string>
#include <string_view>

namespace shiftsync::transfer::staging {

struct staging_location {
    std::string bucket;
    std::string prefix;  // "" (the bucket's root) or ending with '/'

    std::string url() const { return "s3://" + bucket + "/" + prefix; }
};

// "s3://bucket/prefix" or "s3://bucket/prefix/" -> {bucket, "prefix/"}; "s3://bucket[/]" -> {bucket, ""}.
// On failure returns errc::invalid_url and says in `why` what is wrong, in words for the user.
boost::system::result<staging_location> parse_staging_url(std::string_view url, std::string& why);

}  // namespace shiftsync::transfer::staging
