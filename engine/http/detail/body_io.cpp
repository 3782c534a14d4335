#include "engine/http/detail/body_io.hpp"

#include "engine/error.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstring>

namespace shiftsync::engine::http::detail {

namespace asio = boost::asio;
using boost::system::result;

source_reader::~source_reader() {
    if (fd_ >= 0) ::close(fd_);
}

asio::awaitable<result<std::size_t>> source_reader::read(std::span<std::byte> out, std::uint64_t offset) {
    if (const auto* buffer = std::get_if<buffer_source>(&source_)) {
        if (!buffer->bytes || offset >= buffer->bytes->size()) co_return std::size_t{0};
        const auto n = std::min<std::size_t>(out.size(), buffer->bytes->size() - offset);
        std::memcpy(out.data(), buffer->bytes->data() + offset, n);
        co_return n;
    }
    if (const auto* file = std::get_if<file_range_source>(&source_)) {
        if (offset >= file->length) co_return std::size_t{0};
        if (fd_ < 0) fd_ = ::open(file->path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd_ < 0) co_return make_error_code(errc::body_source_failed);
        const auto want = std::min<std::uint64_t>(out.size(), file->length - offset);
        const auto n = ::pread(fd_, out.data(), want, static_cast<off_t>(file->offset + offset));
        // A file shorter than the promised range would leave the peer waiting for bytes: an error.
        if (n <= 0) co_return make_error_code(errc::body_source_failed);
        co_return static_cast<std::size_t>(n);
    }
    if (const auto* producer = std::get_if<producer_source>(&source_)) {
        if (offset >= producer->length) co_return std::size_t{0};
        const auto want = std::min<std::uint64_t>(out.size(), producer->length - offset);
        auto n = co_await producer->produce(out.first(want), offset);
        if (!n || *n == 0) co_return make_error_code(errc::body_source_failed);
        co_return *n;
    }
    co_return std::size_t{0};
}

sink_writer::~sink_writer() {
    if (fd_ >= 0) ::close(fd_);
}

asio::awaitable<result<void>> sink_writer::write(std::span<const std::byte> chunk) {
    if (std::holds_alternative<string_sink>(sink_)) {
        text_.append(reinterpret_cast<const char*>(chunk.data()), chunk.size());
    } else if (const auto* file = std::get_if<file_sink>(&sink_)) {
        if (fd_ < 0) fd_ = ::open(file->path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
        if (fd_ < 0) co_return make_error_code(errc::body_sink_failed);
        std::size_t done = 0;
        while (done < chunk.size()) {
            const auto n = ::pwrite(fd_, chunk.data() + done, chunk.size() - done,
                                    static_cast<off_t>(file->offset + written_ + done));
            if (n < 0) co_return make_error_code(errc::body_sink_failed);
            done += static_cast<std::size_t>(n);
        }
    } else if (const auto* consumer = std::get_if<consumer_sink>(&sink_)) {
        if (auto ok = co_await consumer->consume(chunk); !ok) co_return make_error_code(errc::body_sink_failed);
    }
    written_ += chunk.size();
    co_return result<void>{};
}

bool restart_sink(const body_sink& sink, std::string& text) {
    if (std::holds_alternative<string_sink>(sink)) {
        text.clear();
        return true;
    }
    if (const auto* consumer = std::get_if<consumer_sink>(&sink)) return consumer->restart && consumer->restart();
    return true;  // file (rewritten from its offset) and discard
}

}  // namespace shiftsync::engine::http::detail
