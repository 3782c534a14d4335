#pragma once
// Uploads: a file (parts read with pread on the file pool, many in flight) or a stream of unknown
// length (stdin, or a producer coroutine). Below the part size, one PutObject; above it, a
// multipart upload whose parts each carry their CRC32C and are retried on their own. Every part
// buffer is reserved from the context's memory budget before it is filled.
//
// Failure: nothing is completed with wrong bytes. A multipart upload that fails or is cancelled
// is abandoned (multipart_upload::async_abandon: aborted, or journaled and warned about). A file
// that changes size while it is read fails with errc::source_changed.
//
// Cancellation: through the awaiting coroutine's cancellation slot; parts in flight are
// cancelled, the upload is abandoned, then the call returns (errc::cancelled from the engine).

#include "transfer/s3/multipart_upload.hpp"

#include <functional>
#include <span>

namespace shiftsync::transfer::s3 {

// Fills `out` completely unless the stream ends first; returns the bytes written (0: the end).
using stream_reader = std::function<boost::asio::awaitable<boost::system::result<std::size_t>>(std::span<char> out)>;

boost::asio::awaitable<boost::system::result<upload_result>> async_upload_file(
    transfer_context& ctx, std::string path, object_location where, upload_options options, aws::diagnostics& diag);

boost::asio::awaitable<boost::system::result<upload_result>> async_upload_stream(
    transfer_context& ctx, stream_reader read, object_location where, upload_options options, aws::diagnostics& diag);

// A reader over a descriptor (stdin, a pipe), blocking reads on the context's file pool.
stream_reader descriptor_reader(transfer_context& ctx, int fd);

}  // namespace shiftsync::transfer::s3
