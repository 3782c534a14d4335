#pragma once
// Small HTTP helpers shared by the session and handlers (no Asio).

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace localaws {

// "a=1&b=x%20y" -> {{"a","1"},{"b","x y"}}; '+' means a space (form encoding).
// skip_presign_params leaves out X-Amz-* parameters (a presigned URL's signature and its long
// session token), which only the verifier reads, from the raw query.
std::vector<std::pair<std::string, std::string>> parse_query(std::string_view query, bool skip_presign_params = false);

std::string new_request_id_s3();    // "4442587FB7D0A2F9"
std::string new_request_id_uuid();  // "c6104cbe-af31-11e0-8154-cbc7ccf896c7"

std::string http_date(std::chrono::system_clock::time_point t);     // "Wed, 12 Oct 2009 17:50:00 GMT"
std::string iso8601_ms(std::chrono::system_clock::time_point t);    // "2009-10-12T17:50:30.000Z"
std::string iso8601(std::chrono::system_clock::time_point t);       // "2009-10-12T17:50:30Z"
bool parse_http_date(std::string_view text, std::chrono::system_clock::time_point& out);

}  // namespace localaws
