#pragma once
// A bounded in-memory pipe between a producer coroutine (a sink writing encoded bytes) and a
// consumer coroutine (an upload reading parts through transfer/s3's stream_reader), on one
// executor. The producer waits while `limit` bytes are buffered (back-pressure); the reader fills
// its whole buffer unless the pipe is closed first. fail() ends both sides with an error (the
// upload then abandons what it started).
//
// Executor / thread safety: one single-threaded executor for both sides.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/system/result.hpp>

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace shiftsync::transfer::extract {

class byte_pipe {
public:
    byte_pipe(boost::asio::any_io_executor executor, std::size_t limit);

    boost::asio::awaitable<boost::system::result<void>> async_write(std::string_view data);
    // Fills `out` unless the pipe closes first; returns the count (0: closed and drained).
    boost::asio::awaitable<boost::system::result<std::size_t>> async_read(std::span<char> out);

    void close();                              // no more writes: the reader drains, then sees 0
    void fail(boost::system::error_code why);  // both sides see `why` from now on

private:
    boost::asio::awaitable<void> wait(boost::asio::steady_timer& timer);
    static void wake(boost::asio::steady_timer& timer);

    std::string buffer_;
    std::size_t read_at_ = 0;
    std::size_t limit_;
    bool closed_ = false;
    boost::system::error_code failed_;
    boost::asio::steady_timer readable_;
    boost::asio::steady_timer writable_;
};

}  // namespace shiftsync::transfer::extract
