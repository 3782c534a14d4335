#pragma once
// Downloads with parallel ranged GETs, every one pinned to the ETag seen first (If-Match), so an
// object replaced mid-download fails with errc::object_changed instead of mixing two versions.
//
// Ranges follow the object's own parts when GetObjectAttributes lists them with CRC32Cs (each
// range is then checked against its stored part checksum); a whole-object CRC32C (FULL_OBJECT)
// is checked over all the bytes. Objects no larger than a part take one GET.
//
// To a file: ranges land with pwrite (file pool) in DEST.shiftsync-partial, which is preallocated
// (a full disk fails before any byte is fetched), fsynced and renamed to DEST on success, and
// removed on any failure: DEST is never half written.
// To a stream: ranges are handed to the consumer in order through a reorder window; each range's
// buffer is reserved from the memory budget before its GET starts, in order, so the window never
// holds more than the budget and the next range due is always already paid for (no deadlock).

#include "transfer/s3/multipart_upload.hpp"

#include <functional>
#include <optional>
#include <span>

namespace shiftsync::transfer::s3 {

// What a listing already said of the object (a recursive copy passes it: one GET for small objects).
struct known_object {
    std::uint64_t size = 0;
    std::string etag;
};

struct download_result {
    std::uint64_t bytes = 0;
    std::string etag;
    bool checksum_verified = false;  // a stored CRC32C covered every byte
};

// Takes each chunk in order; the next is not offered until this one's awaitable finished.
using chunk_consumer = std::function<boost::asio::awaitable<boost::system::result<void>>(std::span<const char>)>;

boost::asio::awaitable<boost::system::result<download_result>> async_download_file(
    transfer_context& ctx, object_location from, std::string destination, std::optional<known_object> known,
    aws::diagnostics& diag);

boost::asio::awaitable<boost::system::result<download_result>> async_download_stream(
    transfer_context& ctx, object_location from, chunk_consumer consume, std::optional<known_object> known,
    aws::diagnostics& diag);

// A consumer writing to a descriptor (stdout) with blocking writes on the file pool.
chunk_consumer descriptor_writer(transfer_context& ctx, int fd);

// The name a download is written under until it is complete.
inline std::string partial_path(const std::string& destination) { return destination + ".shiftsync-partial"; }

}  // namespace shiftsync::transfer::s3
