#pragma once
// The request shapes the signer reads. Views for the hot path (nothing copied), an owning form for
// tools and tests.

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace shiftsync::sigv4 {

struct header_view {
    std::string_view name;
    std::string_view value;
};

// A request as it goes on the wire. `path` and `query` are exactly the bytes sent (percent-encoded
// by whoever built them); `query` has no leading '?'. The referenced memory must outlive the call
// that takes the view.
struct request_view {
    std::string_view method;
    std::string_view path;
    std::string_view query;
    std::span<const header_view> headers;
};

struct header_field {
    std::string name;
    std::string value;
};

// An owning request, for tools and tests. `view()` refers into it (and into `scratch`, which it
// fills): keep both alive while the view is used.
struct http_request {
    std::string method;
    std::string path;
    std::string query;
    std::vector<header_field> headers;
    std::string body;

    request_view view(std::vector<header_view>& scratch) const {
        scratch.clear();
        for (const auto& h : headers) scratch.push_back({h.name, h.value});
        return {method, path, query, scratch};
    }
};

}  // namespace shiftsync::sigv4
