#pragma once
// One output of a sink: encodes batches (in parallel, on the CPU pool), then compresses and
// writes them one at a time in arrival order. Knows nothing of names: the sinks decide where it
// writes and what it is renamed to.

#include "engine/scheduler/async_limiter.hpp"
#include "transfer/extract/byte_pipe.hpp"
#include "transfer/extract/row_sink.hpp"

#include <boost/system/error_code.hpp>

namespace shiftsync::transfer::extract {

class output_file {
public:
    // `fd` is owned when `owned`; `label` names it in errors (a path, or "stdout").
    output_file(boost::asio::any_io_executor executor, engine::cpu_pool& cpu, int fd, bool owned, std::string label,
                sink_format format, const rows::schema& columns);
    // Into a pipe (an upload reads the other end) instead of a descriptor.
    output_file(boost::asio::any_io_executor executor, engine::cpu_pool& cpu, byte_pipe& pipe, std::string label,
                sink_format format, const rows::schema& columns);
    ~output_file();
    output_file(const output_file&) = delete;
    output_file& operator=(const output_file&) = delete;

    boost::asio::awaitable<boost::system::result<void>> async_write_header();
    boost::asio::awaitable<boost::system::result<void>> async_write(std::shared_ptr<rows::row_batch> batch);
    // Ends the compressed stream and, when `sync`, fsyncs; the descriptor is closed if owned.
    boost::asio::awaitable<boost::system::result<void>> async_finish(bool sync);

    std::uint64_t bytes() const { return bytes_; }
    const std::string& failure() const { return failure_; }

private:
    boost::asio::awaitable<boost::system::result<void>> async_append(std::string encoded, bool last, bool sync);
    boost::system::error_code write_all(std::string_view data);

    engine::cpu_pool& cpu_;
    int fd_;
    bool owned_;
    byte_pipe* pipe_ = nullptr;
    std::string label_;
    sink_format format_;
    const rows::schema& columns_;
    std::unique_ptr<codec::compressor> compressor_;
    engine::async_limiter turn_;  // one compress-and-write at a time: the stream is sequential
    std::uint64_t bytes_ = 0;
    std::string failure_;
};

}  // namespace shiftsync::transfer::extract
