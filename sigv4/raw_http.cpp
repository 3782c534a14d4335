#include "sigv4/raw_http.hpp"

namespace shiftsync::sigv4 {
namespace {

std::string_view next_line(std::string_view& text, bool* crlf = nullptr) {
    auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    const bool cr = !line.empty() && line.back() == '\r';
    if (cr) line.remove_suffix(1);
    if (crlf) *crlf = cr;
    return line;
}

// A line and its end. Text that ends in CR needs CR LF even in an LF request: with LF alone,
// reading it back would take that CR for part of the line end and drop it.
void append_line(std::string& out, std::string_view line, bool crlf) {
    out.append(line);
    if (crlf || line.ends_with('\r')) out.push_back('\r');
    out.push_back('\n');
}

}  // namespace

std::optional<raw_http_request> parse_raw_http_request(std::string_view text, std::string& error) {
    raw_http_request out;
    std::string_view request_line = next_line(text, &out.crlf);
    auto first_space = request_line.find(' ');
    auto last_space = request_line.rfind(' ');
    if (first_space == std::string_view::npos || last_space == first_space) {
        error = "the first line must be 'METHOD TARGET HTTP/1.1'";
        return std::nullopt;
    }
    out.request.method = std::string(request_line.substr(0, first_space));
    out.version = std::string(request_line.substr(last_space + 1));
    std::string_view target = request_line.substr(first_space + 1, last_space - first_space - 1);
    auto question = target.find('?');
    out.request.path = std::string(target.substr(0, question));
    if (question != std::string_view::npos) out.request.query = std::string(target.substr(question + 1));

    while (!text.empty()) {
        std::string_view line = next_line(text);
        if (line.empty()) break;  // end of headers; the rest is the body
        if (line.front() == ' ' || line.front() == '\t') {
            if (out.request.headers.empty()) {
                error = "a continuation line comes before any header";
                return std::nullopt;
            }
            out.request.headers.back().value.push_back(' ');
            out.request.headers.back().value.append(line);
            out.header_lines.emplace_back(line);
            continue;
        }
        auto colon = line.find(':');
        if (colon == std::string_view::npos || colon == 0) {
            error = "header line '" + std::string(line.substr(0, 40)) + "' has no 'Name:'";
            return std::nullopt;
        }
        out.request.headers.push_back({std::string(line.substr(0, colon)), std::string(line.substr(colon + 1))});
        out.header_lines.emplace_back(line);
    }
    out.request.body = std::string(text);
    return out;
}

std::string render_signed_request(const raw_http_request& raw, const signature& sig) {
    std::string line = raw.request.method;
    line.push_back(' ');
    line.append(raw.request.path);
    if (!raw.request.query.empty() || !sig.query_to_add.empty()) line.push_back('?');
    line.append(raw.request.query);
    if (!raw.request.query.empty() && !sig.query_to_add.empty()) line.push_back('&');
    line.append(sig.query_to_add);
    line.push_back(' ');
    line.append(raw.version);
    std::string out;
    append_line(out, line, raw.crlf);
    for (const auto& header_line : raw.header_lines) append_line(out, header_line, raw.crlf);
    for (const auto& h : sig.headers_to_add) append_line(out, h.name + ":" + h.value, raw.crlf);
    append_line(out, {}, raw.crlf);
    out.append(raw.request.body);
    return out;
}

}  // namespace shiftsync::sigv4
