#include "tools/localaws/s3/disk_store.hpp"

#include "tools/localaws/iam/directory.hpp"
#include "tools/localaws/s3/object_file.hpp"
#include "sigv4/sha256.hpp"

#include <boost/json.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

namespace localaws::s3 {
namespace fs = std::filesystem;
namespace json = boost::json;
namespace {

std::string key_file_name(std::string_view key) {
    std::string hex;
    shiftsync::sigv4::append_hex(hex, shiftsync::sigv4::sha256_of(key));
    return hex;
}

std::optional<bucket_info> read_bucket_file(const fs::path& dir) {
    auto file = read_json_object(dir / "bucket.json");
    if (!file) return std::nullopt;
    bucket_info b;
    b.name = dir.filename().string();
    if (const auto* o = file->if_contains("owner"); o && o->is_string()) b.owner_account = o->as_string();
    if (const auto* c = file->if_contains("created_ms"); c && c->is_int64())
        b.created = std::chrono::system_clock::time_point(std::chrono::milliseconds(c->as_int64()));
    if (const auto* r = file->if_contains("region"); r && r->is_string()) b.region = r->as_string();
    return b;
}

}  // namespace

std::error_code sync_fd(int fd) { return ::fsync(fd) == 0 ? std::error_code{} : last_error(); }

std::error_code sync_directory(const fs::path& dir) {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return last_error();
    auto ec = sync_fd(fd);
    ::close(fd);
    return ec;
}

disk_store::disk_store(fs::path data_dir) : root_(std::move(data_dir) / "s3") {
    fs::create_directories(root_ / "buckets");
    // Anything in tmp/ is an object whose writer never committed: a crash leftover, never visible.
    fs::remove_all(root_ / "tmp");
    fs::create_directories(root_ / "tmp");
    load_index();
}

bool disk_store::valid_bucket_name(std::string_view name) {
    if (name.size() < 3 || name.size() > 63) return false;
    for (char c : name)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.')) return false;
    auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
    return alnum(name.front()) && alnum(name.back()) && name.find("..") == std::string_view::npos;
}

void disk_store::load_index() {
    for (const auto& entry : fs::directory_iterator(root_ / "buckets")) {
        if (!entry.is_directory()) continue;
        auto b = read_bucket_file(entry.path());
        if (!b) continue;
        auto& objects = index_[b->name];
        buckets_.emplace(b->name, *b);
        fs::path dir = entry.path() / "objects";
        if (!fs::exists(dir)) continue;
        for (const auto& f : fs::recursive_directory_iterator(dir)) {
            if (!f.is_regular_file()) continue;
            int fd = ::open(f.path().c_str(), O_RDONLY | O_CLOEXEC);
            if (fd < 0) continue;
            auto obj = read_trailer(fd);
            struct stat st {};
            if (obj && ::fstat(fd, &st) == 0) obj->inode = st.st_ino;
            ::close(fd);
            if (obj) objects.emplace(obj->info.key, std::move(*obj));
        }
    }
}

fs::path disk_store::bucket_dir(std::string_view bucket) const { return root_ / "buckets" / std::string(bucket); }

fs::path disk_store::object_path(std::string_view bucket, std::string_view key) const {
    std::string name = key_file_name(key);
    return bucket_dir(bucket) / "objects" / name.substr(0, 2) / name;
}

fs::path disk_store::temp_path() const { return root_ / "tmp" / iam::random_hex(16); }

std::error_code disk_store::create_bucket(std::string_view bucket, std::string_view owner_account,
                                          std::string_view region) {
    std::lock_guard lock(mutex_);
    if (buckets_.contains(bucket)) return std::make_error_code(std::errc::file_exists);
    bucket_info b{std::string(bucket), std::string(owner_account), std::chrono::system_clock::now(), std::string(region)};
    fs::path dir = bucket_dir(bucket);
    std::error_code ec;
    fs::create_directories(dir / "objects", ec);
    if (ec) return ec;
    fs::create_directories(dir / "uploads", ec);
    if (ec) return ec;
    json::object o{{"owner", b.owner_account},
                   {"created_ms", std::chrono::duration_cast<std::chrono::milliseconds>(b.created.time_since_epoch()).count()},
                   {"region", b.region}};
    fs::path temp = temp_path();
    {
        std::ofstream out(temp);
        out << json::serialize(o);
        if (!out) return std::make_error_code(std::errc::io_error);
    }
    fs::rename(temp, dir / "bucket.json", ec);
    if (ec) return ec;
    sync_directory(dir);
    buckets_.emplace(b.name, b);
    index_[b.name];
    return {};
}

std::error_code disk_store::delete_bucket(std::string_view bucket) {
    std::lock_guard lock(mutex_);
    auto it = index_.find(bucket);
    if (it == index_.end()) return std::make_error_code(std::errc::no_such_file_or_directory);
    if (!it->second.empty()) return std::make_error_code(std::errc::directory_not_empty);
    std::error_code ec;
    fs::remove(bucket_dir(bucket) / "bucket.json", ec);  // first: the bucket is gone from here on
    fs::remove_all(bucket_dir(bucket), ec);
    index_.erase(it);
    buckets_.erase(buckets_.find(bucket));
    return {};
}

std::optional<bucket_info> disk_store::find_bucket(std::string_view bucket) const {
    std::lock_guard lock(mutex_);
    auto it = buckets_.find(bucket);
    if (it == buckets_.end()) return std::nullopt;
    return it->second;
}

std::vector<bucket_info> disk_store::buckets() const {
    std::lock_guard lock(mutex_);
    std::vector<bucket_info> out;
    for (const auto& [name, b] : buckets_) out.push_back(b);
    return out;
}

bool disk_store::bucket_exists(std::string_view bucket) const {
    std::lock_guard lock(mutex_);
    return buckets_.contains(bucket);
}

std::optional<std::string> disk_store::bucket_region(std::string_view bucket) const {
    std::lock_guard lock(mutex_);
    auto it = buckets_.find(bucket);
    if (it == buckets_.end() || it->second.region.empty()) return std::nullopt;
    return it->second.region;
}

std::optional<stored_object> disk_store::stat(std::string_view bucket, std::string_view key) const {
    std::lock_guard lock(mutex_);
    auto b = index_.find(bucket);
    if (b == index_.end()) return std::nullopt;
    auto o = b->second.find(key);
    if (o == b->second.end()) return std::nullopt;
    return o->second;
}

std::optional<object_info> disk_store::head(std::string_view bucket, std::string_view key) const {
    auto s = stat(bucket, key);
    if (!s) return std::nullopt;
    return s->info;
}

std::vector<stored_object> disk_store::list_page(std::string_view bucket, std::string_view prefix,
                                                 std::string_view after, std::size_t limit) const {
    std::vector<stored_object> out;
    std::lock_guard lock(mutex_);
    auto b = index_.find(bucket);
    if (b == index_.end()) return out;
    const auto& objects = b->second;
    auto it = after > prefix ? objects.upper_bound(after) : objects.lower_bound(prefix);
    for (; it != objects.end() && out.size() < limit; ++it) {
        if (!std::string_view(it->first).starts_with(prefix)) break;
        out.push_back(it->second);
    }
    return out;
}

std::vector<object_info> disk_store::list(std::string_view bucket, std::string_view prefix) const {
    std::vector<object_info> out;
    for (auto& o : list_page(bucket, prefix, {}, SIZE_MAX)) out.push_back(std::move(o.info));
    return out;
}

std::unique_ptr<disk_writer> disk_store::create_object(std::string_view bucket, std::string_view key, std::error_code& ec) {
    if (!bucket_exists(bucket)) {
        ec = std::make_error_code(std::errc::no_such_file_or_directory);
        return nullptr;
    }
    fs::path temp = temp_path();
    int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) {
        ec = last_error();
        return nullptr;
    }
    ec.clear();
    return std::make_unique<disk_writer>(*this, std::string(bucket), std::string(key), std::move(temp), fd);
}

std::unique_ptr<object_writer> disk_store::create(std::string_view bucket, std::string_view key, std::error_code& ec) {
    return create_object(bucket, key, ec);
}

std::unique_ptr<disk_reader> disk_store::open_object(std::string_view bucket, std::string_view key,
                                                     std::error_code& ec) const {
    // Open by path, then describe what this descriptor holds: a concurrent replace swaps the whole
    // file, so the descriptor sees one complete version. When its inode is the one the index knows,
    // the index's metadata is that version's; otherwise the file's own trailer says.
    int fd = ::open(object_path(bucket, key).c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        ec = std::make_error_code(std::errc::no_such_file_or_directory);
        return nullptr;
    }
    std::optional<stored_object> obj;
    struct stat st {};
    if (::fstat(fd, &st) == 0) {
        auto indexed = stat(bucket, key);
        if (indexed && indexed->inode == st.st_ino) obj = std::move(indexed);
    }
    if (!obj) obj = read_trailer(fd);
    if (!obj || obj->info.key != key) {
        ::close(fd);
        ec = std::make_error_code(std::errc::no_such_file_or_directory);
        return nullptr;
    }
    ec.clear();
    auto reader = std::make_unique<disk_reader>(std::move(*obj), fd);
    reader->limit(reader->info().size);
    return reader;
}

std::unique_ptr<object_reader> disk_store::open(std::string_view bucket, std::string_view key, std::error_code& ec) const {
    return open_object(bucket, key, ec);
}

std::error_code disk_store::remove(std::string_view bucket, std::string_view key) {
    std::lock_guard lock(mutex_);
    auto b = index_.find(bucket);
    if (b == index_.end()) return std::make_error_code(std::errc::no_such_file_or_directory);
    fs::path path = object_path(bucket, key);
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) return last_error();
    sync_directory(path.parent_path());
    if (auto o = b->second.find(key); o != b->second.end()) b->second.erase(o);
    return {};
}

std::error_code disk_store::publish(const std::string& bucket, stored_object obj, const fs::path& temp) {
    fs::path final_path = object_path(bucket, obj.info.key);
    std::lock_guard lock(mutex_);
    auto b = index_.find(bucket);
    if (b == index_.end()) return std::make_error_code(std::errc::no_such_file_or_directory);
    std::error_code ec;
    fs::create_directories(final_path.parent_path(), ec);
    if (ec) return ec;
    if (::rename(temp.c_str(), final_path.c_str()) != 0) return last_error();
    if ((ec = sync_directory(final_path.parent_path()))) return ec;
    std::string key = obj.info.key;
    b->second.insert_or_assign(std::move(key), std::move(obj));
    return {};
}

}  // namespace localaws::s3
