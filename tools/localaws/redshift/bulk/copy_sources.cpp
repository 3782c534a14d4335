#include "tools/localaws/redshift/bulk/copy_sources.hpp"

#include <boost/json.hpp>

namespace localaws::redshift::bulk {
namespace json = boost::json;
namespace {

std::optional<outcome> may_read(const environment& env, const std::string& role_arn, const dialect::s3_location& at) {
    if (!env.check_role) return std::nullopt;
    if (auto denied = env.check_role(role_arn, "s3:GetObject", "arn:aws:s3:::" + at.bucket + "/" + at.key))
        return failure(s3_error("Access Denied (" + *denied + ")", 403, "AccessDenied"));
    return std::nullopt;
}

std::optional<std::string> read_small_object(s3::object_store& store, const dialect::s3_location& at) {
    std::error_code ec;
    auto reader = store.open(at.bucket, at.key, ec);
    if (!reader || reader->info().size > 64 * 1024 * 1024) return std::nullopt;
    std::string text(reader->info().size, '\0');
    std::size_t got = 0;
    while (got < text.size()) {
        std::size_t n = reader->read({reinterpret_cast<std::byte*>(text.data() + got), text.size() - got}, ec);
        if (n == 0 || ec) break;
        got += n;
    }
    text.resize(got);
    return text;
}

}  // namespace

std::optional<outcome> resolve_copy_sources(const dialect::copy_command& cmd, const environment& env,
                                            const std::string& role_arn, std::vector<dialect::s3_location>& sources) {
    s3::object_store& store = *env.store;
    if (!store.bucket_exists(cmd.from.bucket))
        return failure(s3_error("The specified bucket does not exist", 404, "NoSuchBucket"));
    if (!cmd.manifest) {
        if (env.check_role) {
            if (auto denied = env.check_role(role_arn, "s3:ListBucket", "arn:aws:s3:::" + cmd.from.bucket))
                return failure(s3_error("Access Denied (" + *denied + ")", 403, "AccessDenied"));
        }
        for (const auto& object : store.list(cmd.from.bucket, cmd.from.key)) {
            if (!object.key.empty() && object.key.back() == '/') continue;  // a "folder" marker, not data
            sources.push_back({cmd.from.bucket, object.key});
        }
        if (sources.empty()) return failure("The specified S3 prefix '" + cmd.from.key + "' does not exist");
    } else {
        if (auto denied = may_read(env, role_arn, cmd.from)) return denied;
        auto text = read_small_object(store, cmd.from);
        if (!text) return failure(s3_error("The specified key does not exist", 404, "NoSuchKey") + " (manifest " + cmd.from.url() + ")");
        json::error_code ec;
        json::value manifest = json::parse(*text, ec);
        const json::array* entries = nullptr;
        if (!ec && manifest.is_object())
            if (auto* e = manifest.as_object().if_contains("entries")) entries = e->if_array();
        if (!entries) return failure("Manifest file is not in correct json format");
        for (const auto& entry : *entries) {
            const json::object* o = entry.if_object();
            const json::value* url = o ? o->if_contains("url") : nullptr;
            if (!url || !url->is_string()) return failure("Manifest file is not in correct json format");
            auto at = dialect::parse_s3_url(std::string(url->get_string()));
            if (!at) return failure("Invalid manifest entry url: " + std::string(url->get_string()));
            bool mandatory = false;
            if (auto* m = o->if_contains("mandatory"); m && m->is_bool()) mandatory = m->get_bool();
            if (!store.head(at->bucket, at->key)) {
                if (mandatory)
                    return failure("Manifest file entry " + at->url() + " is mandatory but does not exist (" +
                                   s3_error("The specified key does not exist", 404, "NoSuchKey") + ")");
                continue;
            }
            sources.push_back(*at);
        }
    }
    for (const auto& at : sources) {
        if (auto denied = may_read(env, role_arn, at)) return denied;
    }
    return std::nullopt;
}

}  // namespace localaws::redshift::bulk
