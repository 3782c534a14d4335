#include "tools/localaws/s3/object_file.hpp"

#include <boost/json.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <sstream>

namespace localaws::s3 {
namespace json = boost::json;

std::error_code last_error() { return {errno, std::generic_category()}; }

std::error_code write_all(int fd, const void* data, std::size_t size) {
    const auto* p = static_cast<const char*>(data);
    while (size > 0) {
        ssize_t n = ::write(fd, p, size);
        if (n < 0) {
            if (errno == EINTR) continue;
            return last_error();
        }
        p += n;
        size -= static_cast<std::size_t>(n);
    }
    return {};
}

std::optional<json::object> read_json_object(const std::filesystem::path& file) {
    std::ifstream in(file);
    if (!in) return std::nullopt;
    std::stringstream text;
    text << in.rdbuf();
    boost::system::error_code ec;
    auto v = json::parse(text.str(), ec);
    if (ec || !v.is_object()) return std::nullopt;
    return std::move(v.as_object());
}

std::string encode_trailer(const stored_object& obj) {
    json::object o;
    o["key"] = obj.info.key;
    o["etag"] = obj.info.etag;
    o["last_modified_ms"] = std::chrono::duration_cast<std::chrono::milliseconds>(
                                obj.info.last_modified.time_since_epoch()).count();
    o["content_type"] = obj.meta.content_type;
    json::array headers;
    for (const auto& [n, v] : obj.meta.headers) headers.push_back(json::array{json::string(n), json::string(v)});
    o["headers"] = std::move(headers);
    o["checksum_algorithm"] = obj.meta.checksum_algorithm;
    o["checksum_value"] = obj.meta.checksum_value;
    o["checksum_type"] = obj.meta.checksum_type;
    json::array parts;
    for (const auto& p : obj.meta.parts)
        parts.push_back(json::object{{"n", p.number}, {"size", p.size}, {"etag", p.etag}, {"checksum", p.checksum}});
    o["parts"] = std::move(parts);
    std::string text = json::serialize(o);
    auto len = static_cast<std::uint32_t>(text.size());
    for (int i = 0; i < 4; ++i) text.push_back(static_cast<char>((len >> (8 * i)) & 0xff));
    text.append(object_magic);
    return text;
}

std::optional<stored_object> read_trailer(int fd) {
    struct stat st {};
    if (::fstat(fd, &st) != 0 || st.st_size < 12) return std::nullopt;
    char tail[12];
    if (::pread(fd, tail, 12, st.st_size - 12) != 12) return std::nullopt;
    if (std::memcmp(tail + 4, object_magic.data(), 8) != 0) return std::nullopt;
    std::uint32_t len = 0;
    for (int i = 0; i < 4; ++i) len |= static_cast<std::uint32_t>(static_cast<unsigned char>(tail[i])) << (8 * i);
    if (len + 12u > static_cast<std::uint64_t>(st.st_size)) return std::nullopt;
    std::string text(len, '\0');
    off_t at = st.st_size - 12 - static_cast<off_t>(len);
    if (::pread(fd, text.data(), len, at) != static_cast<ssize_t>(len)) return std::nullopt;
    boost::system::error_code ec;
    auto v = json::parse(text, ec);
    if (ec || !v.is_object()) return std::nullopt;
    const auto& o = v.as_object();
    auto str = [&](std::string_view k) {
        const auto* x = o.if_contains(k);
        return x && x->is_string() ? std::string(x->as_string()) : std::string{};
    };
    stored_object obj;
    obj.info.key = str("key");
    obj.info.etag = str("etag");
    obj.info.size = static_cast<std::uint64_t>(at);
    if (const auto* ms = o.if_contains("last_modified_ms"); ms && ms->is_int64())
        obj.info.last_modified = std::chrono::system_clock::time_point(std::chrono::milliseconds(ms->as_int64()));
    obj.meta.content_type = str("content_type");
    obj.meta.etag = obj.info.etag;
    if (const auto* hs = o.if_contains("headers"); hs && hs->is_array())
        for (const auto& h : hs->as_array())
            obj.meta.headers.emplace_back(h.as_array()[0].as_string(), h.as_array()[1].as_string());
    obj.meta.checksum_algorithm = str("checksum_algorithm");
    obj.meta.checksum_value = str("checksum_value");
    obj.meta.checksum_type = str("checksum_type");
    if (const auto* ps = o.if_contains("parts"); ps && ps->is_array())
        for (const auto& p : ps->as_array()) {
            const auto& po = p.as_object();
            obj.meta.parts.push_back({static_cast<int>(po.at("n").to_number<std::int64_t>()),
                                      po.at("size").to_number<std::uint64_t>(), std::string(po.at("etag").as_string()),
                                      std::string(po.at("checksum").as_string())});
        }
    return obj;
}

}  // namespace localaws::s3
