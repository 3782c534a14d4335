#pragma once
// Multipart uploads in progress, on disk beside the bucket's objects:
//   s3/buckets/<bucket>/uploads/<upload-id>/upload.json   key, metadata, initiation time
//   s3/buckets/<bucket>/uploads/<upload-id>/part-<n>      each part in the object file format
// Parts are written like objects (temp file, fsync, rename), so a part is either whole or absent.
// Completing an upload assembles the parts into one object through disk_writer (atomic as any
// object write) and only then removes the upload.
//
// Thread safety: any thread; operations on one upload are expected from one client at a time.

#include "tools/localaws/s3/checksums.hpp"
#include "tools/localaws/s3/disk_store.hpp"
#include "tools/localaws/s3/request_xml.hpp"

#include <optional>
#include <string>
#include <vector>

namespace localaws::s3 {

struct upload_info {
    std::string upload_id, bucket, key;
    object_meta meta;  // content type, x-amz-meta-*, checksum algorithm
    std::chrono::system_clock::time_point initiated;
    std::string initiator_arn;
};

// One part being uploaded; nothing is visible until commit().
class part_writer {
public:
    part_writer(std::filesystem::path temp, std::filesystem::path final_path, int fd);
    ~part_writer();
    std::error_code write(std::span<const std::byte> data);
    // Publishes the part with its quoted ETag (the MD5 the caller computed while streaming) and
    // checksum (base64; stored when not empty).
    std::error_code commit(int part_number, const std::string& etag, const std::string& checksum);
    std::uint64_t size() const { return size_; }

private:
    std::filesystem::path temp_, final_;
    int fd_;
    std::uint64_t size_ = 0;
    bool committed_ = false;
};

enum class complete_error { none, no_such_upload, invalid_part, invalid_part_order, entity_too_small, io };

class multipart_store {
public:
    explicit multipart_store(disk_store& store) : store_(store) {}

    std::optional<upload_info> create(std::string_view bucket, std::string_view key, object_meta meta,
                                      std::string initiator_arn, std::error_code& ec);
    std::optional<upload_info> find(std::string_view bucket, std::string_view upload_id) const;
    std::vector<upload_info> list(std::string_view bucket) const;
    std::vector<part_record> parts(const upload_info& upload) const;

    std::unique_ptr<part_writer> create_part(const upload_info& upload, int part_number, std::error_code& ec);
    std::error_code abort(const upload_info& upload);

    // Assembles the object; on success `result` is the new object's stored form.
    complete_error complete(const upload_info& upload, const std::vector<requested_part>& parts,
                            stored_object& result, std::string& detail);

private:
    std::filesystem::path upload_dir(std::string_view bucket, std::string_view upload_id) const;
    disk_store& store_;
};

inline constexpr std::uint64_t min_part_size = 5ull * 1024 * 1024;

}  // namespace localaws::s3
