#pragma once
// Where a stream source's bytes come from (file_source.cpp decodes them): a list of named streams
// (local files, the objects under an S3 prefix), each read in order, one chunk at a time. Only
// one stream is open at once, and only one chunk is in flight: memory holds a chunk, not a file.
//
// Executor: the network thread's; blocking reads go to the pool the reader was given.

#include "aws/error/aws_error.hpp"
#include "transfer/s3/transfer_context.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>

#include <memory>
#include <string>

namespace shiftsync::transfer::load {

class chunk_reader {
public:
    virtual ~chunk_reader() = default;
    // Finds the streams (lists an S3 prefix; files are known already). Nothing to read is an
    // error naming the place (errc::source_missing).
    virtual boost::asio::awaitable<boost::system::result<void>> async_list(aws::diagnostics& diag) = 0;
    virtual std::size_t count() const = 0;
    virtual const std::string& name(std::size_t index) const = 0;  // for messages: a path, s3://bucket/key
    virtual boost::system::result<void> open(std::size_t index, aws::diagnostics& diag) = 0;
    // The open stream's next chunk; empty at its end.
    virtual boost::asio::awaitable<boost::system::result<std::string>> async_read(aws::diagnostics& diag) = 0;
    virtual void close() = 0;
};

// The objects under s3://bucket/prefix in key order, each read by ranged GETs of 8 MiB pinned to
// the ETag the listing saw (an object replaced meanwhile fails, never mixes versions). Skipped:
// "folder" keys ending in '/', and keys whose name below the prefix has a part starting with '_'
// or '.' or named "manifest" (shiftsync's own run markers and manifests, Spark's _SUCCESS).
std::unique_ptr<chunk_reader> make_s3_prefix_reader(s3::transfer_context& transfers, std::string bucket,
                                                    std::string prefix);

// Whether a key below the prefix is skipped (the rule above); `relative` is the key without the prefix.
bool is_skipped_key(std::string_view relative);

}  // namespace shiftsync::transfer::load
