#include "tools/localaws/server/http_util.hpp"

#include "tools/localaws/iam/directory.hpp"
#include "sigv4/uri_encoding.hpp"

#include <algorithm>
#include <ctime>

namespace localaws {

std::vector<std::pair<std::string, std::string>> parse_query(std::string_view query, bool skip_presign_params) {
    std::vector<std::pair<std::string, std::string>> out;
    auto decode = [](std::string_view s) {
        std::string plus_as_space(s);
        std::replace(plus_as_space.begin(), plus_as_space.end(), '+', ' ');
        return shiftsync::sigv4::percent_decode(plus_as_space);
    };
    while (!query.empty()) {
        auto amp = query.find('&');
        std::string_view pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        if (pair.empty() || (skip_presign_params && pair.starts_with("X-Amz-"))) continue;
        auto eq = pair.find('=');
        out.emplace_back(decode(pair.substr(0, eq)), eq == std::string_view::npos ? std::string{} : decode(pair.substr(eq + 1)));
    }
    return out;
}

std::string new_request_id_s3() {
    std::string id = iam::random_hex(8);
    std::transform(id.begin(), id.end(), id.begin(), [](unsigned char c) { return std::toupper(c); });
    return id;
}

std::string new_request_id_uuid() {
    std::string h = iam::random_hex(16);
    return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20);
}

namespace {
std::tm utc(std::chrono::system_clock::time_point t) {
    std::time_t secs = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    return tm;
}
}  // namespace

std::string http_date(std::chrono::system_clock::time_point t) {
    std::tm tm = utc(t);
    char buf[64];
    std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    return buf;
}

std::string iso8601_ms(std::chrono::system_clock::time_point t) {
    std::tm tm = utc(t);
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count() % 1000;
    char buf[96];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                  tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
    return buf;
}

std::string iso8601(std::chrono::system_clock::time_point t) {
    std::tm tm = utc(t);
    char buf[64];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

bool parse_http_date(std::string_view text, std::chrono::system_clock::time_point& out) {
    std::tm tm{};
    std::string s(text);
    const char* end = strptime(s.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
    if (!end) return false;
    out = std::chrono::system_clock::from_time_t(timegm(&tm));
    return true;
}

}  // namespace localaws
