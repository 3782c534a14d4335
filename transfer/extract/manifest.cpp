#include "transfer/extract/manifest.hpp"

#include "transfer/s3/s3_url.hpp"

#include <boost/json.hpp>

namespace shiftsync::transfer::extract {
namespace json = boost::json;

namespace {
std::optional<std::uint64_t> count_of(const json::object& o, std::string_view name) {
    const json::value* v = o.if_contains(name);
    if (!v) return std::nullopt;
    if (v->is_uint64()) return v->as_uint64();
    if (v->is_int64() && v->as_int64() >= 0) return static_cast<std::uint64_t>(v->as_int64());
    return std::nullopt;
}
}  // namespace

std::optional<unload_manifest> parse_manifest(std::string_view text, std::string& why) {
    boost::system::error_code ec;
    json::value doc = json::parse(text, ec);
    if (ec || !doc.is_object()) {
        why = "the manifest is not a JSON object";
        return std::nullopt;
    }
    const json::value* entries = doc.as_object().if_contains("entries");
    if (!entries || !entries->is_array()) {
        why = "the manifest has no \"entries\" array";
        return std::nullopt;
    }
    unload_manifest out;
    for (const auto& e : entries->as_array()) {
        const json::object* entry = e.if_object();
        const json::value* url = entry ? entry->if_contains("url") : nullptr;
        if (!url || !url->is_string()) {
            why = "a manifest entry has no \"url\"";
            return std::nullopt;
        }
        manifest_entry m;
        m.url = std::string(url->as_string());
        auto where = s3::parse_s3_url(m.url);
        if (!where || where->key.empty()) {
            why = "the manifest entry " + m.url + " is not an s3:// object URL";
            return std::nullopt;
        }
        m.bucket = where->bucket;
        m.key = where->key;
        const json::value* meta = entry->if_contains("meta");
        if (!meta || !meta->is_object()) {
            why = "the manifest entry " + m.url + " has no \"meta\" (was the UNLOAD run with MANIFEST VERBOSE?)";
            return std::nullopt;
        }
        auto length = count_of(meta->as_object(), "content_length");
        if (!length) {
            why = "the manifest entry " + m.url + " has no content_length";
            return std::nullopt;
        }
        m.content_length = *length;
        m.record_count = count_of(meta->as_object(), "record_count");
        out.entries.push_back(std::move(m));
    }
    if (const json::value* meta = doc.as_object().if_contains("meta"); meta && meta->is_object())
        out.record_count = count_of(meta->as_object(), "record_count");
    return out;
}

}  // namespace shiftsync::transfer::extract
