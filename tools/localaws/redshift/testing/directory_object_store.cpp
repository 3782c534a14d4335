#include "tools/localaws/redshift/testing/directory_object_store.hpp"

#include <algorithm>
#include <atomic>
#include <fstream>

namespace localaws::redshift::testing {
namespace fs = std::filesystem;
namespace {

std::string encode_key(std::string_view key) {
    static const char* hex = "0123456789ABCDEF";
    std::string out = "k";  // never empty, never "." or ".."
    for (unsigned char c : key) {
        if (std::isalnum(c) || c == '-' || c == '_') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

std::string decode_key(const std::string& name) {
    std::string out;
    for (std::size_t i = 1; i < name.size(); ++i) {
        if (name[i] == '%' && i + 2 < name.size()) {
            out += static_cast<char>(std::stoi(name.substr(i + 1, 2), nullptr, 16));
            i += 2;
        } else {
            out += name[i];
        }
    }
    return out;
}

s3::object_info info_of(const fs::path& file, std::string key) {
    s3::object_info info;
    info.key = std::move(key);
    info.size = fs::file_size(file);
    info.etag = "\"" + std::to_string(info.size) + "\"";
    info.last_modified = std::chrono::system_clock::now();
    return info;
}

class file_writer final : public s3::object_writer {
public:
    file_writer(fs::path temp, fs::path final_path) : temp_(std::move(temp)), final_(std::move(final_path)) {
        out_.open(temp_, std::ios::binary | std::ios::trunc);
    }
    ~file_writer() override {
        if (!committed_) {
            out_.close();
            std::error_code ec;
            fs::remove(temp_, ec);
        }
    }
    std::error_code write(std::span<const std::byte> data) override {
        out_.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
        return out_ ? std::error_code{} : std::make_error_code(std::errc::io_error);
    }
    std::error_code commit() override {
        out_.close();
        if (!out_) return std::make_error_code(std::errc::io_error);
        std::error_code ec;
        fs::rename(temp_, final_, ec);
        committed_ = !ec;
        return ec;
    }

private:
    fs::path temp_, final_;
    std::ofstream out_;
    bool committed_ = false;
};

class file_reader final : public s3::object_reader {
public:
    file_reader(const fs::path& file, s3::object_info info) : info_(std::move(info)), in_(file, std::ios::binary) {}
    const s3::object_info& info() const override { return info_; }
    std::size_t read(std::span<std::byte> into, std::error_code& ec) override {
        in_.read(reinterpret_cast<char*>(into.data()), static_cast<std::streamsize>(into.size()));
        if (in_.bad()) ec = std::make_error_code(std::errc::io_error);
        return static_cast<std::size_t>(in_.gcount());
    }

private:
    s3::object_info info_;
    std::ifstream in_;
};

}  // namespace

directory_object_store::directory_object_store(fs::path root) : root_(std::move(root)) {
    fs::create_directories(root_ / ".tmp");
}

void directory_object_store::create_bucket(std::string_view bucket) { fs::create_directories(root_ / bucket); }

fs::path directory_object_store::path_of(std::string_view bucket, std::string_view key) const {
    return root_ / bucket / encode_key(key);
}

bool directory_object_store::bucket_exists(std::string_view bucket) const {
    return !bucket.empty() && bucket.find('/') == std::string_view::npos && bucket[0] != '.' &&
           fs::is_directory(root_ / bucket);
}

std::optional<s3::object_info> directory_object_store::head(std::string_view bucket, std::string_view key) const {
    if (!bucket_exists(bucket)) return std::nullopt;
    fs::path file = path_of(bucket, key);
    if (!fs::is_regular_file(file)) return std::nullopt;
    return info_of(file, std::string(key));
}

std::vector<s3::object_info> directory_object_store::list(std::string_view bucket, std::string_view prefix) const {
    std::vector<s3::object_info> out;
    if (!bucket_exists(bucket)) return out;
    for (const auto& entry : fs::directory_iterator(root_ / bucket)) {
        std::string key = decode_key(entry.path().filename().string());
        if (key.compare(0, prefix.size(), prefix) == 0) out.push_back(info_of(entry.path(), key));
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.key < b.key; });
    return out;
}

std::unique_ptr<s3::object_writer> directory_object_store::create(std::string_view bucket, std::string_view key,
                                                                  std::error_code& ec) {
    if (!bucket_exists(bucket)) {
        ec = std::make_error_code(std::errc::no_such_file_or_directory);
        return nullptr;
    }
    static std::atomic<unsigned long> counter{0};
    fs::path temp = root_ / ".tmp" / ("w" + std::to_string(++counter));
    return std::make_unique<file_writer>(temp, path_of(bucket, key));
}

std::unique_ptr<s3::object_reader> directory_object_store::open(std::string_view bucket, std::string_view key,
                                                                std::error_code& ec) const {
    auto info = head(bucket, key);
    if (!info) {
        ec = std::make_error_code(std::errc::no_such_file_or_directory);
        return nullptr;
    }
    return std::make_unique<file_reader>(path_of(bucket, key), std::move(*info));
}

std::error_code directory_object_store::remove(std::string_view bucket, std::string_view key) {
    std::error_code ec;
    fs::remove(path_of(bucket, key), ec);
    return ec;
}

}  // namespace localaws::redshift::testing
