#pragma once
// A local file opened for transfer parts: pread/pwrite at offsets from pool threads, closed when
// the last holder lets go (shared by the parts of one transfer). Blocking calls, meant for
// engine::cpu_pool threads, never for the network thread.

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include <cstdint>
#include <memory>
#include <span>
#include <string>

namespace shiftsync::transfer::s3 {

class local_file {
public:
    ~local_file();
    local_file(const local_file&) = delete;
    local_file& operator=(const local_file&) = delete;

    // For reading. A directory is errc::source_is_directory; missing or unreadable, source_missing.
    static boost::system::result<std::shared_ptr<local_file>> open_for_read(const std::string& path);
    // Creates or truncates `path` (mode 0644 less umask).
    static boost::system::result<std::shared_ptr<local_file>> create(const std::string& path);

    int fd() const { return fd_; }
    std::uint64_t size_at_open() const { return size_at_open_; }

    // Reads exactly out.size() bytes at `offset`; a short read (the file shrank) is source_changed.
    boost::system::error_code read_exact(std::uint64_t offset, std::span<char> out) const;
    // Reads until `out` is full or the end of the stream (pipes, stdin); returns the count.
    boost::system::result<std::size_t> read_some_full(std::span<char> out) const;
    boost::system::error_code write_exact(std::uint64_t offset, std::span<const char> data) const;
    // Reserves `size` bytes on disk now (on tmpfs only checks the free space), so a full disk
    // fails before any byte is fetched.
    boost::system::error_code preallocate(std::uint64_t size) const;
    boost::system::error_code sync() const;
    // The size now (to notice a source that grew or shrank while it was uploaded).
    boost::system::result<std::uint64_t> current_size() const;

    // Wraps a descriptor the caller owns (stdin, stdout): not closed here.
    static std::shared_ptr<local_file> borrow(int fd);

private:
    local_file(int fd, std::uint64_t size, bool owned) : fd_(fd), size_at_open_(size), owned_(owned) {}
    int fd_;
    std::uint64_t size_at_open_;
    bool owned_;
};

// errno as an error_code, with ENOSPC/EDQUOT as errc::disk_full.
boost::system::error_code file_error(int error_number);

}  // namespace shiftsync::transfer::s3
