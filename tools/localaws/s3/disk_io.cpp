// The streaming halves of disk_store: writers (temp file -> fsync -> rename) and ranged readers.
#include "tools/localaws/s3/checksums.hpp"
#include "tools/localaws/s3/disk_store.hpp"
#include "tools/localaws/s3/object_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace localaws::s3 {

disk_writer::disk_writer(disk_store& store, std::string bucket, std::string key, std::filesystem::path temp, int fd)
    : store_(store), bucket_(std::move(bucket)), key_(std::move(key)), temp_(std::move(temp)), fd_(fd),
      md5_(new digester(digester::kind::md5)) {}

disk_writer::~disk_writer() {
    delete static_cast<digester*>(md5_);
    if (fd_ >= 0) ::close(fd_);
    if (!committed_) ::unlink(temp_.c_str());
}

std::error_code disk_writer::write(std::span<const std::byte> data) {
    if (md5_enabled_) static_cast<digester*>(md5_)->update(data);
    size_ += data.size();
    return write_all(fd_, data.data(), data.size());
}

std::error_code disk_writer::append_file(const std::filesystem::path& path, std::uint64_t length) {
    int in = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (in < 0) return last_error();
    off_t end = static_cast<off_t>(length);
    off_t off = 0;
    std::error_code ec;
    while (off < end) {
        ssize_t n = ::copy_file_range(in, &off, fd_, nullptr, static_cast<std::size_t>(end - off), 0);
        if (n <= 0) {
            if (n < 0 && errno == EINTR) continue;
            ec = n < 0 ? last_error() : std::make_error_code(std::errc::io_error);
            break;
        }
    }
    ::close(in);
    size_ += static_cast<std::uint64_t>(off);
    return ec;
}

std::string disk_writer::md5_raw() {
    if (md5_done_.empty()) md5_done_ = static_cast<digester*>(md5_)->finish();
    return md5_done_;
}

std::error_code disk_writer::commit() {
    stored_object obj;
    obj.info.key = key_;
    obj.info.size = size_;
    obj.info.last_modified = std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
    obj.meta = std::move(meta_);
    if (obj.meta.etag.empty()) obj.meta.etag = "\"" + hex_encode(md5_raw()) + "\"";
    obj.info.etag = obj.meta.etag;
    std::string trailer = encode_trailer(obj);
    if (auto ec = write_all(fd_, trailer.data(), trailer.size())) return ec;
    if (auto ec = sync_fd(fd_)) return ec;
    struct stat st {};
    if (::fstat(fd_, &st) == 0) obj.inode = st.st_ino;
    ::close(fd_);
    fd_ = -1;
    if (auto ec = store_.publish(bucket_, std::move(obj), temp_)) return ec;
    committed_ = true;
    return {};
}

disk_reader::~disk_reader() {
    if (fd_ >= 0) ::close(fd_);
}

std::size_t disk_reader::read(std::span<std::byte> into, std::error_code& ec) {
    ec.clear();
    std::uint64_t end = std::min(end_, obj_.info.size);
    if (pos_ >= end) return 0;
    std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(into.size(), end - pos_));
    for (;;) {
        ssize_t n = ::pread(fd_, into.data(), want, static_cast<off_t>(pos_));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            ec = last_error();
            return 0;
        }
        pos_ += static_cast<std::uint64_t>(n);
        return static_cast<std::size_t>(n);
    }
}

}  // namespace localaws::s3
