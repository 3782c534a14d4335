#pragma once
// One "name=value" pair appended to an S3 query string, both percent-encoded as SigV4 signs them.
// Callers append in sorted order (the canonical order), so the query is sent as it is signed.

#include "sigv4/uri_encoding.hpp"

#include <string>
#include <string_view>

namespace shiftsync::aws::s3 {

inline void add_query_param(std::string& query, std::string_view name, std::string_view value) {
    if (!query.empty()) query.push_back('&');
    sigv4::append_uri_encoded(query, name);
    query.push_back('=');
    sigv4::append_uri_encoded(query, value);
}

}  // namespace shiftsync::aws::s3
