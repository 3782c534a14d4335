#pragma once
// Emptying a run's prefix, for staging_run::async_remove_all and the sweep: list a page, delete its
// keys in one DeleteObjects call (a page is at most 1,000 keys, DeleteObjects' limit), page after
// page; the run marker goes last, so a cleanup cut short (Ctrl-C twice, kill -9, a network
// failure) still leaves the marker that lets `shiftsync sweep` finish the job.

#include "aws/s3/s3_client.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace shiftsync::transfer::staging {

struct cleanup_report {
    std::uint64_t deleted = 0;                         // objects S3 deleted, the marker included
    std::vector<aws::s3::delete_failure> refused;      // keys S3 would not delete, with its reasons
};

// Deletes every object under `prefix`, `last_key` after all the others and only when S3 deleted
// every other one (a refused key keeps the marker, so the leftovers stay recognisable as a run's).
// Once the listing is done it lists again: objects that appeared meanwhile (an UNLOAD still
// writing) are deleted too; when they are still appearing after a few passes it fails with
// errc::still_written and keeps the marker.
boost::asio::awaitable<boost::system::result<cleanup_report>> async_delete_prefix(aws::s3::s3_client& s3,
                                                                                 std::string bucket,
                                                                                 std::string prefix,
                                                                                 std::string last_key,
                                                                                 aws::diagnostics& diag);

// How many objects are under `prefix` (what a dry run would delete).
boost::asio::awaitable<boost::system::result<std::uint64_t>> async_count_prefix(aws::s3::s3_client& s3,
                                                                               std::string bucket,
                                                                               std::string prefix,
                                                                               aws::diagnostics& diag);

}  // namespace shiftsync::transfer::staging
