#include "transfer/extract/byte_pipe.hpp"

#include "engine/error.hpp"
#include "engine/scheduler/cancellation.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <cstring>

namespace shiftsync::transfer::extract {

namespace asio = boost::asio;
using boost::system::result;

byte_pipe::byte_pipe(asio::any_io_executor executor, std::size_t limit)
    : limit_(std::max<std::size_t>(1, limit)), readable_(executor), writable_(executor) {}

// A timer that never fires on its own is the condition variable: wake() cancels its wait.
asio::awaitable<void> byte_pipe::wait(asio::steady_timer& timer) {
    timer.expires_at(asio::steady_timer::time_point::max());
    boost::system::error_code ignored;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
}

void byte_pipe::wake(asio::steady_timer& timer) { timer.cancel(); }

asio::awaitable<result<void>> byte_pipe::async_write(std::string_view data) {
    while (!data.empty()) {
        if (failed_) co_return failed_;
        std::size_t buffered = buffer_.size() - read_at_;
        if (buffered >= limit_) {
            co_await wait(writable_);
            if (co_await engine::is_cancelled()) co_return make_error_code(engine::errc::cancelled);
            continue;
        }
        if (read_at_ > 0 && read_at_ == buffer_.size()) {
            buffer_.clear();
            read_at_ = 0;
        }
        std::size_t n = std::min(data.size(), limit_ - buffered);
        buffer_.append(data.substr(0, n));
        data.remove_prefix(n);
        wake(readable_);
    }
    co_return result<void>{};
}

asio::awaitable<result<std::size_t>> byte_pipe::async_read(std::span<char> out) {
    std::size_t filled = 0;
    while (filled < out.size()) {
        if (failed_) co_return failed_;
        std::size_t available = buffer_.size() - read_at_;
        if (available == 0) {
            if (closed_) break;
            co_await wait(readable_);
            if (co_await engine::is_cancelled()) co_return make_error_code(engine::errc::cancelled);
            continue;
        }
        std::size_t n = std::min(available, out.size() - filled);
        std::memcpy(out.data() + filled, buffer_.data() + read_at_, n);
        read_at_ += n;
        filled += n;
        if (read_at_ == buffer_.size()) {
            buffer_.clear();
            read_at_ = 0;
        }
        wake(writable_);
    }
    co_return filled;
}

void byte_pipe::close() {
    closed_ = true;
    wake(readable_);
}

void byte_pipe::fail(boost::system::error_code why) {
    failed_ = why;
    wake(readable_);
    wake(writable_);
}

}  // namespace shiftsync::transfer::extract
