#pragma once
// Reading request bodies from their sources and delivering response bodies to their sinks, in
// chunks. Files are read and written with pread/pwrite on the network thread: they hit the page
// cache, and a part is at most a few MiB per call. (io_uring-backed asio files would remove even
// that; Debian's Boost is built without them.)

#include "engine/http/body.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>

#include <cstdint>
#include <span>
#include <string>

namespace shiftsync::engine::http::detail {

class source_reader {
public:
    explicit source_reader(const body_source& source) : source_(source) {}
    ~source_reader();
    source_reader(const source_reader&) = delete;
    source_reader& operator=(const source_reader&) = delete;

    // Fills `out` from `offset` of the body; returns the count (0 at the end).
    boost::asio::awaitable<boost::system::result<std::size_t>> read(std::span<std::byte> out, std::uint64_t offset);

private:
    const body_source& source_;
    int fd_ = -1;
};

class sink_writer {
public:
    // Appends string_sink bytes to `text`.
    sink_writer(const body_sink& sink, std::string& text) : sink_(sink), text_(text) {}
    ~sink_writer();
    sink_writer(const sink_writer&) = delete;
    sink_writer& operator=(const sink_writer&) = delete;

    boost::asio::awaitable<boost::system::result<void>> write(std::span<const std::byte> chunk);
    std::uint64_t written() const { return written_; }

private:
    const body_sink& sink_;
    std::string& text_;
    int fd_ = -1;
    std::uint64_t written_ = 0;
};

// Makes a sink ready for a retried attempt: the string is cleared, a file is simply rewritten from
// its offset, a consumer must agree (restart()). False: the bytes already delivered cannot be undone.
bool restart_sink(const body_sink& sink, std::string& text);

}  // namespace shiftsync::engine::http::detail
