#pragma once
// localaws's S3 storage as the rest of localaws sees it: buckets of objects on local disk.
// The S3 HTTP handlers sit on top of it, and so do Redshift's UNLOAD (writes objects) and COPY
// (reads them) in the Data API. Synchronous on purpose: callers run it on worker threads, never on
// the network thread.
//
// Guarantees every implementation keeps:
// - Writes are atomic: an object becomes visible only when its writer commits, whole; a crash
//   before that leaves nothing visible.
// - Keys are any UTF-8 string ("../" included) and never escape the store's directory.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace localaws::s3 {

struct object_info {
    std::string key;
    std::uint64_t size = 0;
    std::string etag;  // as S3 prints it, with the quotes: "\"9b2cf535f27731c974343645a3985328\""
    std::chrono::system_clock::time_point last_modified;
};

// Streams one new object in; nothing is visible until commit() succeeds. Destroying an
// uncommitted writer discards what it wrote.
class object_writer {
public:
    virtual ~object_writer() = default;
    virtual std::error_code write(std::span<const std::byte> data) = 0;
    virtual std::error_code commit() = 0;  // replaces any existing object with that key
};

// Streams one object out. read() returns 0 at the end.
class object_reader {
public:
    virtual ~object_reader() = default;
    virtual const object_info& info() const = 0;
    virtual std::size_t read(std::span<std::byte> into, std::error_code& ec) = 0;
};

class object_store {
public:
    virtual ~object_store() = default;

    virtual bool bucket_exists(std::string_view bucket) const = 0;
    // Where the bucket lives (its LocationConstraint); nullopt: not recorded, the caller's own region.
    virtual std::optional<std::string> bucket_region(std::string_view) const { return std::nullopt; }
    virtual std::optional<object_info> head(std::string_view bucket, std::string_view key) const = 0;

    // Objects whose key starts with `prefix`, in key order (UTF-8 byte order, as S3 lists).
    virtual std::vector<object_info> list(std::string_view bucket, std::string_view prefix) const = 0;

    // Errors: std::errc::no_such_file_or_directory when the bucket (or, for readers, the key) is absent.
    virtual std::unique_ptr<object_writer> create(std::string_view bucket, std::string_view key,
                                                  std::error_code& ec) = 0;
    virtual std::unique_ptr<object_reader> open(std::string_view bucket, std::string_view key,
                                                std::error_code& ec) const = 0;
    virtual std::error_code remove(std::string_view bucket, std::string_view key) = 0;
};

}  // namespace localaws::s3
