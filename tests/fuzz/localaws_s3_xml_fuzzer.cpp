// localaws's S3 request bodies (tools/localaws/s3/request_xml.hpp): DeleteObjects' <Delete> and
// CompleteMultipartUpload's part list, on any body. Checked beyond "no crash":
//   - what parses, written out again with localaws's own XML writer, parses to the same request;
//   - the other way round: keys and parts taken from the input (as a client would send them),
//     written as an SDK writes the body (text escaped, nothing else), parse back to exactly those
//     keys and parts: a key S3 accepts must reach the store unchanged, or DeleteObjects deletes
//     another object than the one named.
//
// Input: byte 0 = Quiet and the checksum element to write; then the body (parsed as both
// documents); the same bytes also give the keys (split at '\n') and part ETags of the second check.

#include "tests/fuzz/fuzz_input.hpp"
#include "tools/localaws/s3/request_xml.hpp"
#include "tools/localaws/server/xml_writer.hpp"

#include <cstdlib>
#include <string>
#include <vector>

namespace s3 = localaws::s3;

namespace {

void check(bool ok) {
    if (!ok) std::abort();
}

const char* const checksum_elements[] = {"ChecksumCRC32", "ChecksumCRC32C", "ChecksumSHA1", "ChecksumSHA256"};

std::string write_delete(const s3::delete_request& r) {
    localaws::xml_writer x;
    x.open("Delete", "http://s3.amazonaws.com/doc/2006-03-01/");
    if (r.quiet) x.element("Quiet", "true");
    for (const auto& key : r.keys) x.open("Object").element("Key", key).close("Object");
    x.close("Delete");
    return x.take();
}

std::string write_complete(const std::vector<s3::requested_part>& parts, unsigned checksum_element) {
    localaws::xml_writer x;
    x.open("CompleteMultipartUpload");
    for (const auto& p : parts) {
        x.open("Part").element("PartNumber", std::to_string(p.number)).element("ETag", p.etag);
        if (!p.checksum.empty()) x.element(checksum_elements[checksum_element % 4], p.checksum);
        x.close("Part");
    }
    x.close("CompleteMultipartUpload");
    return x.take();
}

bool same(const std::vector<s3::requested_part>& a, const std::vector<s3::requested_part>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (a[i].number != b[i].number || a[i].etag != b[i].etag || a[i].checksum != b[i].checksum) return false;
    return true;
}

// Characters XML 1.0 cannot carry even escaped (C0 controls but tab, LF and CR): no client can
// send them in a body, so they are left out of the generated keys.
bool xml_can_carry(std::string_view text) {
    for (unsigned char c : text)
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') return false;
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    shiftsync::fuzz::fuzz_input in(data, size);
    const std::uint8_t choice = in.byte();
    const std::string_view body = in.rest();

    if (auto request = s3::parse_delete_objects(body)) {
        check(!request->keys.empty() && request->keys.size() <= 1000);
        auto again = s3::parse_delete_objects(write_delete(*request));
        check(again && again->quiet == request->quiet && again->keys == request->keys);
    }
    if (auto parts = s3::parse_complete_multipart(body)) {
        auto again = s3::parse_complete_multipart(write_complete(*parts, choice >> 1));
        check(again && same(*again, *parts));
    }

    // The body's lines as keys, and as the ETags and checksums of as many parts.
    s3::delete_request sent;
    sent.quiet = (choice & 1) != 0;
    std::vector<s3::requested_part> parts;
    std::string_view rest = body;
    while (!rest.empty() && sent.keys.size() < 1000) {
        const auto nl = rest.find('\n');
        const std::string_view line = rest.substr(0, nl);
        rest = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);
        if (line.empty() || !xml_can_carry(line)) continue;
        sent.keys.emplace_back(line);
        const int number = static_cast<int>(parts.size()) + 1;
        parts.push_back({number, std::string(line), number % 2 == 0 ? std::string(line) : std::string()});
    }
    if (!sent.keys.empty()) {
        auto received = s3::parse_delete_objects(write_delete(sent));
        check(received && received->quiet == sent.quiet && received->keys == sent.keys);
        auto received_parts = s3::parse_complete_multipart(write_complete(parts, choice >> 1));
        check(received_parts && same(*received_parts, parts));
    }
    return 0;
}
