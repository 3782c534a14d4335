#include "tools/localaws/s3/request_xml.hpp"

#include <pugixml.hpp>

#include <charconv>

namespace localaws::s3 {
namespace {

// pugixml drops text made only of white space by default, so <Key> </Key> would read as the empty
// key: S3 keys may be just spaces, and DeleteObjects would then name another object than the one
// sent. parse_ws_pcdata_single keeps such text when it is all the element holds (the white space
// between elements, which has siblings, is still dropped).
bool load(pugi::xml_document& doc, std::string_view body) {
    return doc.load_buffer(body.data(), body.size(), pugi::parse_default | pugi::parse_ws_pcdata_single);
}

}  // namespace

std::optional<delete_request> parse_delete_objects(std::string_view body) {
    pugi::xml_document doc;
    if (!load(doc, body)) return std::nullopt;
    auto root = doc.child("Delete");
    if (!root) return std::nullopt;
    delete_request out;
    out.quiet = std::string_view(root.child_value("Quiet")) == "true";
    for (auto obj : root.children("Object")) {
        if (!obj.child("Key")) return std::nullopt;
        out.keys.emplace_back(obj.child_value("Key"));
    }
    if (out.keys.empty() || out.keys.size() > 1000) return std::nullopt;
    return out;
}

std::optional<std::vector<requested_part>> parse_complete_multipart(std::string_view body) {
    pugi::xml_document doc;
    if (!load(doc, body) || !doc.child("CompleteMultipartUpload")) return std::nullopt;
    std::vector<requested_part> parts;
    for (auto p : doc.child("CompleteMultipartUpload").children("Part")) {
        requested_part rp;
        std::string_view n = p.child_value("PartNumber");
        // The whole text, as S3 reads it: "1x" is not part 1.
        const auto [end, ec] = std::from_chars(n.data(), n.data() + n.size(), rp.number);
        if (ec != std::errc{} || end != n.data() + n.size()) return std::nullopt;
        rp.etag = p.child_value("ETag");
        for (const char* name : {"ChecksumCRC32", "ChecksumCRC32C", "ChecksumSHA1", "ChecksumSHA256"})
            if (p.child(name)) rp.checksum = p.child_value(name);
        parts.push_back(std::move(rp));
    }
    return parts;
}

}  // namespace localaws::s3
