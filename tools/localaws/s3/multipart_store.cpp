#include "tools/localaws/s3/multipart_store.hpp"

#include "tools/localaws/iam/directory.hpp"
#include "tools/localaws/s3/checksums.hpp"
#include "tools/localaws/s3/object_file.hpp"

#include <boost/json.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

namespace localaws::s3 {
namespace fs = std::filesystem;
namespace json = boost::json;
namespace {

bool safe_upload_id(std::string_view id) {
    if (id.empty() || id.size() > 128) return false;
    for (char c : id)
        if (!std::isalnum(static_cast<unsigned char>(c))) return false;
    return true;
}

std::string part_file(int n) {
    char name[32];
    std::snprintf(name, sizeof name, "part-%05d", n);
    return name;
}

std::string unquote(std::string_view etag) {
    if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') etag = etag.substr(1, etag.size() - 2);
    return std::string(etag);
}

json::object upload_to_json(const upload_info& u) {
    json::array headers;
    for (const auto& [n, v] : u.meta.headers) headers.push_back(json::array{json::string(n), json::string(v)});
    return {{"key", u.key},
            {"content_type", u.meta.content_type},
            {"headers", std::move(headers)},
            {"checksum_algorithm", u.meta.checksum_algorithm},
            {"checksum_type", u.meta.checksum_type},
            {"initiator", u.initiator_arn},
            {"initiated_ms", std::chrono::duration_cast<std::chrono::milliseconds>(u.initiated.time_since_epoch()).count()}};
}

std::optional<upload_info> read_upload(const fs::path& dir, std::string_view bucket) {
    auto read = read_json_object(dir / "upload.json");
    if (!read) return std::nullopt;
    const auto& o = *read;
    upload_info u;
    u.upload_id = dir.filename().string();
    u.bucket = bucket;
    u.key = o.at("key").as_string();
    u.meta.content_type = o.at("content_type").as_string();
    for (const auto& h : o.at("headers").as_array())
        u.meta.headers.emplace_back(h.as_array()[0].as_string(), h.as_array()[1].as_string());
    u.meta.checksum_algorithm = o.at("checksum_algorithm").as_string();
    u.meta.checksum_type = o.at("checksum_type").as_string();
    u.initiator_arn = o.at("initiator").as_string();
    u.initiated = std::chrono::system_clock::time_point(std::chrono::milliseconds(o.at("initiated_ms").as_int64()));
    return u;
}

}  // namespace

part_writer::part_writer(fs::path temp, fs::path final_path, int fd)
    : temp_(std::move(temp)), final_(std::move(final_path)), fd_(fd) {}

part_writer::~part_writer() {
    if (fd_ >= 0) ::close(fd_);
    if (!committed_) ::unlink(temp_.c_str());
}

std::error_code part_writer::write(std::span<const std::byte> data) {
    size_ += data.size();
    return write_all(fd_, data.data(), data.size());
}

std::error_code part_writer::commit(int part_number, const std::string& etag, const std::string& checksum) {
    stored_object obj;
    obj.info.key = part_file(part_number);
    obj.info.size = size_;
    obj.info.last_modified = std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
    obj.info.etag = etag;
    obj.meta.etag = obj.info.etag;
    obj.meta.checksum_value = checksum;
    std::string trailer = encode_trailer(obj);
    if (auto ec = write_all(fd_, trailer.data(), trailer.size())) return ec;
    if (auto ec = sync_fd(fd_)) return ec;
    ::close(fd_);
    fd_ = -1;
    if (::rename(temp_.c_str(), final_.c_str()) != 0) return last_error();
    committed_ = true;
    sync_directory(final_.parent_path());
    return {};
}

fs::path multipart_store::upload_dir(std::string_view bucket, std::string_view upload_id) const {
    return store_.bucket_dir(bucket) / "uploads" / std::string(upload_id);
}

std::optional<upload_info> multipart_store::create(std::string_view bucket, std::string_view key, object_meta meta,
                                                   std::string initiator_arn, std::error_code& ec) {
    if (!store_.bucket_exists(bucket)) {
        ec = std::make_error_code(std::errc::no_such_file_or_directory);
        return std::nullopt;
    }
    upload_info u{iam::random_secret(64), std::string(bucket), std::string(key), std::move(meta),
                  std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now()),
                  std::move(initiator_arn)};
    // random_secret's alphabet has '+' and '/': keep the id to letters and digits.
    for (char& c : u.upload_id)
        if (!std::isalnum(static_cast<unsigned char>(c))) c = 'x';
    fs::path dir = upload_dir(bucket, u.upload_id);
    fs::path staging = store_.temp_path();
    fs::create_directories(staging, ec);
    if (ec) return std::nullopt;
    {
        std::ofstream out(staging / "upload.json");
        out << json::serialize(upload_to_json(u));
        if (!out) {
            ec = std::make_error_code(std::errc::io_error);
            return std::nullopt;
        }
    }
    fs::create_directories(dir.parent_path(), ec);
    fs::rename(staging, dir, ec);  // the upload exists once its description is complete
    if (ec) return std::nullopt;
    sync_directory(dir.parent_path());
    return u;
}

std::optional<upload_info> multipart_store::find(std::string_view bucket, std::string_view upload_id) const {
    if (!safe_upload_id(upload_id) || !store_.bucket_exists(bucket)) return std::nullopt;
    return read_upload(upload_dir(bucket, upload_id), bucket);
}

std::vector<upload_info> multipart_store::list(std::string_view bucket) const {
    std::vector<upload_info> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(store_.bucket_dir(bucket) / "uploads", ec))
        if (auto u = read_upload(e.path(), bucket)) out.push_back(std::move(*u));
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.key < b.key; });
    return out;
}

std::vector<part_record> multipart_store::parts(const upload_info& upload) const {
    std::vector<part_record> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(upload_dir(upload.bucket, upload.upload_id), ec)) {
        auto name = e.path().filename().string();
        if (!name.starts_with("part-")) continue;
        int fd = ::open(e.path().c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) continue;
        auto obj = read_trailer(fd);
        ::close(fd);
        if (!obj) continue;
        out.push_back({std::stoi(name.substr(5)), obj->info.size, obj->info.etag, obj->meta.checksum_value});
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.number < b.number; });
    return out;
}

std::unique_ptr<part_writer> multipart_store::create_part(const upload_info& upload, int part_number,
                                                          std::error_code& ec) {
    fs::path temp = store_.temp_path();
    int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) {
        ec = last_error();
        return nullptr;
    }
    return std::make_unique<part_writer>(std::move(temp), upload_dir(upload.bucket, upload.upload_id) / part_file(part_number),
                                         fd);
}

std::error_code multipart_store::abort(const upload_info& upload) {
    std::error_code ec;
    fs::path dir = upload_dir(upload.bucket, upload.upload_id);
    // Rename first so that the upload disappears in one step, then delete at leisure.
    fs::path doomed = store_.temp_path();
    fs::rename(dir, doomed, ec);
    if (ec) return ec;
    fs::remove_all(doomed, ec);
    return {};
}

complete_error multipart_store::complete(const upload_info& upload, const std::vector<requested_part>& requested,
                                         stored_object& result, std::string& detail) {
    if (requested.empty()) {
        detail = "You must specify at least one part";
        return complete_error::invalid_part;
    }
    auto have = parts(upload);
    std::vector<part_record> chosen;
    int previous = 0;
    for (const auto& r : requested) {
        if (r.number <= previous) return complete_error::invalid_part_order;
        previous = r.number;
        auto it = std::find_if(have.begin(), have.end(), [&](const auto& p) { return p.number == r.number; });
        if (it == have.end() || unquote(it->etag) != unquote(r.etag) ||
            (!r.checksum.empty() && !it->checksum.empty() && r.checksum != it->checksum)) {
            detail = "One or more of the specified parts could not be found.  The part may not have been uploaded, "
                     "or the specified entity tag may not match the part's entity tag.";
            return complete_error::invalid_part;
        }
        chosen.push_back(*it);
    }
    for (std::size_t i = 0; i + 1 < chosen.size(); ++i)
        if (chosen[i].size < min_part_size) {
            detail = "Your proposed upload is smaller than the minimum allowed size";
            return complete_error::entity_too_small;
        }

    std::error_code ec;
    auto writer = store_.create_object(upload.bucket, upload.key, ec);
    if (!writer) return complete_error::io;
    writer->skip_md5();
    digester etag_md5(digester::kind::md5);
    auto alg = parse_checksum_algorithm(upload.meta.checksum_algorithm);
    std::optional<digester> composite;
    if (alg) composite.emplace(digester_kind(*alg));
    fs::path dir = upload_dir(upload.bucket, upload.upload_id);
    for (const auto& p : chosen) {
        auto raw = *base64_decode("");  // empty
        std::string md5_hex = unquote(p.etag);
        std::string md5_raw;
        for (std::size_t i = 0; i + 1 < md5_hex.size(); i += 2)
            md5_raw.push_back(static_cast<char>(std::stoi(md5_hex.substr(i, 2), nullptr, 16)));
        etag_md5.update(std::as_bytes(std::span(md5_raw)));
        if (composite) {
            auto part_sum = base64_decode(p.checksum).value_or(raw);
            composite->update(std::as_bytes(std::span(part_sum)));
        }
        if ((ec = writer->append_file(dir / part_file(p.number), p.size))) return complete_error::io;
    }
    object_meta meta = upload.meta;
    meta.parts = chosen;
    meta.etag = "\"" + hex_encode(etag_md5.finish()) + "-" + std::to_string(chosen.size()) + "\"";
    if (composite) {
        meta.checksum_value = base64_encode(composite->finish()) + "-" + std::to_string(chosen.size());
        meta.checksum_type = "COMPOSITE";
    }
    writer->set_meta(meta);
    if ((ec = writer->commit())) return complete_error::io;
    abort(upload);
    result.info.key = upload.key;
    result.info.size = writer->size();
    result.info.etag = meta.etag;
    result.meta = std::move(meta);
    return complete_error::none;
}

}  // namespace localaws::s3
