#include "transfer/s3/local_file.hpp"

#include "transfer/s3/transfer_error.hpp"

#include <cerrno>

#include <fcntl.h>
#include <linux/magic.h>
#include <sys/statfs.h>
#include <sys/stat.h>
#include <unistd.h>

namespace shiftsync::transfer::s3 {

boost::system::error_code file_error(int error_number) {
    if (error_number == ENOSPC || error_number == EDQUOT) return make_error_code(errc::disk_full);
    return {error_number, boost::system::system_category()};
}

local_file::~local_file() {
    if (owned_ && fd_ >= 0) ::close(fd_);
}

std::shared_ptr<local_file> local_file::borrow(int fd) {
    return std::shared_ptr<local_file>(new local_file(fd, 0, false));
}

boost::system::result<std::shared_ptr<local_file>> local_file::open_for_read(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == EISDIR) return make_error_code(errc::source_is_directory);
        return make_error_code(errc::source_missing);
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        ::close(fd);
        return make_error_code(errc::source_missing);
    }
    if (S_ISDIR(st.st_mode)) {
        ::close(fd);
        return make_error_code(errc::source_is_directory);
    }
    return std::shared_ptr<local_file>(new local_file(fd, static_cast<std::uint64_t>(st.st_size), true));
}

boost::system::result<std::shared_ptr<local_file>> local_file::create(const std::string& path) {
    int fd = ::open(path.c_str(), O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0644);
    if (fd < 0) return file_error(errno);
    return std::shared_ptr<local_file>(new local_file(fd, 0, true));
}

boost::system::error_code local_file::read_exact(std::uint64_t offset, std::span<char> out) const {
    std::size_t done = 0;
    while (done < out.size()) {
        ssize_t n = ::pread(fd_, out.data() + done, out.size() - done, static_cast<off_t>(offset + done));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return file_error(errno);
        if (n == 0) return make_error_code(errc::source_changed);
        done += static_cast<std::size_t>(n);
    }
    return {};
}

boost::system::result<std::size_t> local_file::read_some_full(std::span<char> out) const {
    std::size_t done = 0;
    while (done < out.size()) {
        ssize_t n = ::read(fd_, out.data() + done, out.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return file_error(errno);
        if (n == 0) break;
        done += static_cast<std::size_t>(n);
    }
    return done;
}

boost::system::error_code local_file::write_exact(std::uint64_t offset, std::span<const char> data) const {
    std::size_t done = 0;
    while (done < data.size()) {
        ssize_t n = ::pwrite(fd_, data.data() + done, data.size() - done, static_cast<off_t>(offset + done));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return file_error(errno);
        done += static_cast<std::size_t>(n);
    }
    return {};
}

boost::system::error_code local_file::preallocate(std::uint64_t size) const {
    if (size == 0) return {};
    struct statfs fs {};
    if (::fstatfs(fd_, &fs) == 0) {
        // Not enough free space: say so now, before any byte is fetched.
        if (static_cast<std::uint64_t>(fs.f_bavail) * static_cast<std::uint64_t>(fs.f_bsize) < size)
            return make_error_code(errc::disk_full);
        // tmpfs "preallocates" by zeroing memory (0.6 s per GiB) and gains nothing from it.
        if (fs.f_type == TMPFS_MAGIC) return {};
    }
    int rc = ::posix_fallocate(fd_, 0, static_cast<off_t>(size));
    // Some file systems cannot preallocate; then the first write that finds no room says so.
    if (rc == 0 || rc == EOPNOTSUPP || rc == EINVAL) return {};
    return file_error(rc);
}

boost::system::error_code local_file::sync() const {
    if (::fsync(fd_) != 0 && errno != EINVAL) return file_error(errno);  // EINVAL: a pipe
    return {};
}

boost::system::result<std::uint64_t> local_file::current_size() const {
    struct stat st {};
    if (::fstat(fd_, &st) != 0) return file_error(errno);
    return static_cast<std::uint64_t>(st.st_size);
}

}  // namespace shiftsync::transfer::s3
