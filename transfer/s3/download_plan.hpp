#pragma once
// What a download will fetch: the object's size and ETag (to pin every range with If-Match), its
// ranges, and the stored checksums to check them against. Learned from a listing (small objects),
// GetObjectAttributes (the guide grants it: it lists the parts and their CRC32Cs), or HeadObject
// where GetObjectAttributes is not available.

#include "transfer/s3/download.hpp"
#include "transfer/s3/part_buffer.hpp"

#include <vector>

namespace shiftsync::transfer::s3::detail {

struct download_plan {
    std::uint64_t size = 0;
    std::string etag;
    std::vector<span_of_object> ranges;  // empty for an empty object
    std::vector<std::string> range_crc32c;  // per range, when ranges are the stored parts
    std::string full_crc32c;                 // a FULL_OBJECT checksum over every byte
    bool single_get = false;                 // one GET without Range (may return the stored checksum)
    bool verified = false;                   // a single GET's bytes matched the CRC32C S3 returned
};

boost::asio::awaitable<boost::system::result<download_plan>> async_plan_download(
    transfer_context& ctx, const object_location& from, const std::optional<known_object>& known,
    aws::diagnostics& diag);

// GETs one range (or the whole object, for a single GET) into a buffer reserved by the caller,
// pinned to the plan's ETag, and checks its length and stored CRC32C. A single GET fills in
// `plan.full_crc32c` from the answer when S3 returned one.
boost::asio::awaitable<boost::system::result<void>> async_fetch_range(transfer_context& ctx,
                                                                      const object_location& from,
                                                                      download_plan& plan, std::size_t index,
                                                                      part_buffer& part, aws::diagnostics& diag);

// Words for the failures a user meets: a changed object, a missing one, a checksum mismatch.
void explain(const object_location& from, const boost::system::error_code& ec, aws::diagnostics& diag);

}  // namespace shiftsync::transfer::s3::detail
