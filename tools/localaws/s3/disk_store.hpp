#pragma once
// object_store on local disk, with the extras the S3 handlers need (per-object metadata, ranged
// reads, buckets, multipart assembly).
//
// Layout under the data dir:
//   s3/tmp/<random>                        objects being written (removed at start: crash leftovers)
//   s3/buckets/<bucket>/bucket.json        owner account and creation time
//   s3/buckets/<bucket>/objects/<h2>/<h>   one file per key; h = hex SHA-256 of the key, so that no key
//                                          ("../" included) can name a path outside the data dir
//   s3/buckets/<bucket>/uploads/<id>/...   multipart uploads in progress (s3/multipart_store.hpp)
//
// An object file is its data followed by a trailer: metadata JSON, its length (u32 LE) and the
// magic "LAWSOBJ1". A writer fills a temp file, appends the trailer, fsyncs, renames it over the
// final name and fsyncs the directory: readers and a restart after a crash see the old object or the
// new one, whole, never a part. Keys are indexed in memory (rebuilt at start from the trailers).
//
// Thread safety: all members may be called from any thread.

#include "tools/localaws/s3/object_store.hpp"

#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace localaws::s3 {

struct part_record {
    int number = 0;
    std::uint64_t size = 0;
    std::string etag;      // quoted
    std::string checksum;  // base64, when the upload had a checksum algorithm
};

// What S3 keeps beside the bytes.
struct object_meta {
    std::string content_type = "binary/octet-stream";
    std::vector<std::pair<std::string, std::string>> headers;  // x-amz-meta-*, Content-Encoding ...
    std::string checksum_algorithm;  // "CRC32C" ..., empty when none
    std::string checksum_value;      // base64; "<base64>-N" for composite multipart checksums
    std::string checksum_type;       // FULL_OBJECT or COMPOSITE
    std::vector<part_record> parts;  // multipart objects only
    std::string etag;                // quoted; computed (MD5) when left empty
};

struct stored_object {
    object_info info;
    object_meta meta;
    // Which file holds this version (inode), so that a reader whose descriptor shows the same inode
    // can take the metadata from the index instead of parsing the file's trailer again.
    std::uint64_t inode = 0;
};

struct bucket_info {
    std::string name;
    std::string owner_account;
    std::chrono::system_clock::time_point created;
    std::string region;  // its LocationConstraint; empty in stores written before buckets had one: localaws's region
};

class disk_writer final : public object_writer {
public:
    disk_writer(class disk_store& store, std::string bucket, std::string key, std::filesystem::path temp, int fd);
    ~disk_writer() override;
    std::error_code write(std::span<const std::byte> data) override;
    std::error_code commit() override;

    void set_meta(object_meta meta) { meta_ = std::move(meta); }
    // Appends the first `length` bytes of a file (a multipart part's data) by copy_file_range: no
    // trip through user space.
    std::error_code append_file(const std::filesystem::path& path, std::uint64_t length);
    void skip_md5() { md5_enabled_ = false; }
    std::string md5_raw();  // the MD5 of what was written so far; call once, before commit
    std::uint64_t size() const { return size_; }

private:
    class disk_store& store_;
    std::string bucket_, key_;
    std::filesystem::path temp_;
    int fd_ = -1;
    std::uint64_t size_ = 0;
    object_meta meta_;
    bool md5_enabled_ = true;
    std::string md5_done_;
    void* md5_ = nullptr;  // digester, opaque here
    bool committed_ = false;
};

class disk_reader final : public object_reader {
public:
    disk_reader(stored_object obj, int fd) : obj_(std::move(obj)), fd_(fd) {}
    ~disk_reader() override;
    const object_info& info() const override { return obj_.info; }
    const object_meta& meta() const { return obj_.meta; }
    std::size_t read(std::span<std::byte> into, std::error_code& ec) override;
    void seek(std::uint64_t offset) { pos_ = offset; }
    // Stop at `end` (exclusive), for ranges.
    void limit(std::uint64_t end) { end_ = end; }
    int fd() const { return fd_; }
    std::uint64_t position() const { return pos_; }

private:
    stored_object obj_;
    int fd_;
    std::uint64_t pos_ = 0;
    std::uint64_t end_ = UINT64_MAX;
};

class disk_store final : public object_store {
public:
    // Creates the layout if missing, removes temp leftovers and indexes every object.
    explicit disk_store(std::filesystem::path data_dir);

    // --- buckets
    std::error_code create_bucket(std::string_view bucket, std::string_view owner_account,
                                  std::string_view region);  // errc::file_exists
    std::error_code delete_bucket(std::string_view bucket);  // errc::directory_not_empty
    std::optional<bucket_info> find_bucket(std::string_view bucket) const;
    std::vector<bucket_info> buckets() const;
    static bool valid_bucket_name(std::string_view name);

    // --- object_store
    bool bucket_exists(std::string_view bucket) const override;
    std::optional<std::string> bucket_region(std::string_view bucket) const override;
    std::optional<object_info> head(std::string_view bucket, std::string_view key) const override;
    std::vector<object_info> list(std::string_view bucket, std::string_view prefix) const override;
    std::unique_ptr<object_writer> create(std::string_view bucket, std::string_view key, std::error_code& ec) override;
    std::unique_ptr<object_reader> open(std::string_view bucket, std::string_view key, std::error_code& ec) const override;
    std::error_code remove(std::string_view bucket, std::string_view key) override;

    // --- extras for the S3 handlers
    std::optional<stored_object> stat(std::string_view bucket, std::string_view key) const;
    std::unique_ptr<disk_writer> create_object(std::string_view bucket, std::string_view key, std::error_code& ec);
    std::unique_ptr<disk_reader> open_object(std::string_view bucket, std::string_view key, std::error_code& ec) const;
    // Keys > `after` starting with `prefix`, in order, at most `limit` (ListObjectsV2 pages).
    std::vector<stored_object> list_page(std::string_view bucket, std::string_view prefix, std::string_view after,
                                         std::size_t limit) const;

    std::filesystem::path bucket_dir(std::string_view bucket) const;
    std::filesystem::path temp_path() const;  // a fresh name under s3/tmp
    const std::filesystem::path& root() const { return root_; }

private:
    friend class disk_writer;
    std::filesystem::path object_path(std::string_view bucket, std::string_view key) const;
    std::error_code publish(const std::string& bucket, stored_object obj, const std::filesystem::path& temp);
    void load_index();

    std::filesystem::path root_;
    mutable std::mutex mutex_;
    std::map<std::string, bucket_info, std::less<>> buckets_;
    std::map<std::string, std::map<std::string, stored_object, std::less<>>, std::less<>> index_;
};

// Durability helpers: fsync a file descriptor / a directory.
std::error_code sync_fd(int fd);
std::error_code sync_directory(const std::filesystem::path& dir);

}  // namespace localaws::s3
