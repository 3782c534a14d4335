#include "transfer/extract/output_file.hpp"

#include "transfer/s3/local_file.hpp"
#include "transfer/s3/transfer_error.hpp"

#include <cerrno>
#include <cstring>
#include <unistd.h>

namespace shiftsync::transfer::extract {

namespace asio = boost::asio;
using boost::system::result;

output_file::output_file(asio::any_io_executor executor, engine::cpu_pool& cpu, int fd, bool owned, std::string label,
                         sink_format format, const rows::schema& columns)
    : cpu_(cpu), fd_(fd), owned_(owned), label_(std::move(label)), format_(format), columns_(columns),
      compressor_(codec::make_compressor(format.compression)), turn_(std::move(executor), 1) {}

output_file::output_file(asio::any_io_executor executor, engine::cpu_pool& cpu, byte_pipe& pipe, std::string label,
                         sink_format format, const rows::schema& columns)
    : output_file(std::move(executor), cpu, -1, false, std::move(label), format, columns) {
    pipe_ = &pipe;
}

output_file::~output_file() {
    if (owned_ && fd_ >= 0) ::close(fd_);
}

boost::system::error_code output_file::write_all(std::string_view data) {
    while (!data.empty()) {
        ssize_t n = ::write(fd_, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            int e = errno;
            failure_ = "writing " + label_ + " failed: " + std::strerror(e);
            return s3::file_error(e);
        }
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    return {};
}

asio::awaitable<result<void>> output_file::async_append(std::string encoded, bool last, bool sync) {
    auto turn = co_await turn_.async_acquire(1, engine::priority::bulk);
    if (!turn) co_return turn.error();
    if (pipe_) {
        auto compress = [this, encoded = std::move(encoded), last]() mutable {
            if (format_.compression == codec::compression::none) return std::move(encoded);
            std::string compressed;
            compressor_->write(encoded, compressed);
            if (last) compressor_->finish(compressed);
            return compressed;
        };
        std::string out = co_await cpu_.async_run(std::move(compress));
        bytes_ += out.size();
        auto written = co_await pipe_->async_write(out);
        if (!written) failure_ = "uploading " + label_ + " failed";
        co_return written;
    }
    // Compression state and the file position belong to the stream: one job at a time, in the
    // order the turns were taken.
    auto job = [this, encoded = std::move(encoded), last, sync]() -> result<void> {
        // (result<void> built from an error_code is an error even for a zero code: test first.)
        std::string compressed;
        const std::string* out = &encoded;
        if (format_.compression != codec::compression::none) {
            compressor_->write(encoded, compressed);
            if (last) compressor_->finish(compressed);
            out = &compressed;
        }
        if (auto ec = write_all(*out)) return ec;
        bytes_ += out->size();
        if (sync && ::fsync(fd_) != 0 && errno != EINVAL && errno != EROFS) {
            int e = errno;
            failure_ = "fsync of " + label_ + " failed: " + std::strerror(e);
            return s3::file_error(e);
        }
        return {};
    };
    co_return co_await cpu_.async_run(std::move(job));
}

asio::awaitable<result<void>> output_file::async_write_header() {
    std::string header;
    rows::encode_header(format_.format, columns_, header);
    co_return co_await async_append(std::move(header), false, false);
}

asio::awaitable<result<void>> output_file::async_write(std::shared_ptr<rows::row_batch> batch) {
    // Encoding needs no order: batches of many streams are encoded at once on the pool.
    auto encode = [batch, this]() {
        std::string text;
        text.reserve(batch->bytes() + batch->bytes() / 4);
        rows::encode_rows(format_.format, columns_, *batch, text);
        return text;
    };
    std::string encoded = co_await cpu_.async_run(std::move(encode));
    co_return co_await async_append(std::move(encoded), false, false);
}

asio::awaitable<result<void>> output_file::async_finish(bool sync) {
    std::string nothing;
    auto done = co_await async_append(std::move(nothing), true, sync);
    if (owned_ && fd_ >= 0) {
        ::close(fd_);
        fd_ = -1;
    }
    co_return done;
}

}  // namespace shiftsync::transfer::extract
