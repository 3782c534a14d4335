#pragma once
// Where a workgroup's endpoint is. The connector guide's role may call GetCredentials but not
// GetWorkgroup, so shiftsync cannot ask: it derives the host as AWS names it,
// "<workgroup>.<account-id>.<region>.redshift-serverless.amazonaws.com", port 5439, taking the
// account from the role's ARN. --db-endpoint HOST:PORT overrides it (a custom domain, a VPC endpoint,
// localaws); --discover-endpoint asks GetWorkgroup where the role may. Sans-IO.

#include <boost/system/result.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace shiftsync::transfer::endpoint {

struct endpoint_address {
    std::string host;
    std::uint16_t port = 5439;

    std::string to_string() const;  // "host:port", IPv6 hosts in brackets
    friend bool operator==(const endpoint_address&, const endpoint_address&) = default;
};

// "host:port", "host" (port 5439), "[::1]:5439". nullopt (with `why`) for anything else.
std::optional<endpoint_address> parse_endpoint_address(std::string_view text, std::string& why);

// The account id (12 digits) of an IAM or STS ARN: "arn:aws:iam::123456789012:role/x" -> "123456789012".
std::optional<std::string> account_of_arn(std::string_view arn);

// "<workgroup>.<account>.<region>.redshift-serverless.amazonaws.com:5439" (amazonaws.com.cn in the
// China regions).
endpoint_address derived_endpoint(std::string_view workgroup, std::string_view account, std::string_view region);

}  // namespace shiftsync::transfer::endpoint
