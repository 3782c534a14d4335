#pragma once
// Where extracted rows go. A sink is opened with the result's columns and the number of streams
// that will write to it (the staged files of an UNLOAD, or 1), takes batches of rows per stream,
// and is committed once every row arrived, or abandoned: then nothing is left under a final name.
//
// Batches of one stream arrive in order; batches of different streams may interleave, and a
// single-file sink writes them in arrival order (rows of an UNLOAD PARALLEL ON have no order).
//
// Executor / thread safety: all calls on the network thread's executor; encoding, compression
// and writes run on the CPU pool.

#include "engine/scheduler/cpu_pool.hpp"
#include "transfer/codec/compression.hpp"
#include "transfer/rows/row_batch.hpp"
#include "transfer/rows/row_encoder.hpp"
#include "transfer/s3/transfer_context.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>

#include <memory>
#include <string>

namespace shiftsync::transfer::extract {

class row_sink {
public:
    virtual ~row_sink() = default;
    virtual boost::asio::awaitable<boost::system::result<void>> async_open(const rows::schema& columns,
                                                                          std::size_t streams) = 0;
    virtual boost::asio::awaitable<boost::system::result<void>> async_write(std::size_t stream,
                                                                           std::shared_ptr<rows::row_batch> batch) = 0;
    // Flushes, syncs and gives every output its final name.
    virtual boost::asio::awaitable<boost::system::result<void>> async_commit() = 0;
    // Removes whatever was written (partial files, started uploads); safe to call more than once,
    // after a failed commit, and after a cancellation.
    virtual boost::asio::awaitable<void> async_abandon() = 0;

    std::uint64_t rows_written() const { return rows_; }
    std::uint64_t bytes_written() const { return bytes_; }
    // What went wrong in the last failed call, in words (path, errno text).
    const std::string& failure() const { return failure_; }

protected:
    std::uint64_t rows_ = 0;
    std::uint64_t bytes_ = 0;
    std::string failure_;
};

struct sink_format {
    rows::output_format format = rows::output_format::csv;
    codec::compression compression = codec::compression::none;
};

// One file, written as DEST.shiftsync-partial and renamed on commit. An existing DEST is
// replaced only at commit.
std::unique_ptr<row_sink> make_file_sink(engine::cpu_pool& cpu, std::string path, sink_format format);
// A descriptor the caller owns (stdout): written as rows arrive, nothing to rename or remove.
std::unique_ptr<row_sink> make_descriptor_sink(engine::cpu_pool& cpu, int fd, sink_format format);
// An S3 prefix: part-00000.csv[.gz] … one object per stream under it (like the directory sink),
// each uploaded as it is written (transfer/s3's stream upload: one PutObject, or a multipart
// upload past the part size, abandoned on failure) through a bounded pipe.
std::unique_ptr<row_sink> make_s3_prefix_sink(s3::transfer_context& transfers, std::string bucket, std::string prefix,
                                              sink_format format);
// A directory (created if missing): part-00000.csv[.gz] … one per stream, in stream order,
// each with its own header line; each written under a partial name and renamed at commit.
std::unique_ptr<row_sink> make_directory_sink(engine::cpu_pool& cpu, std::string directory, sink_format format);

}  // namespace shiftsync::transfer::extract
