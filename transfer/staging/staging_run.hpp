#pragma once
// One staging run: the prefix an extract (UNLOAD to S3, then download) or a load (stage files,
// then COPY) works under, and its removal.
//
//   auto run = co_await staging_run::async_begin(s3, location, "extract", diag);   // marker written
//   ... UNLOAD TO run->url("part_") ...
//   auto cleaned = co_await run->async_remove_all(diag);   // on every exit path, Ctrl-C included
//
// Every run has a fresh prefix `location.prefix + run_id + "/"`, and the first object written
// there is its marker (run_marker.hpp: host, pid, start time, purpose). A run that dies before
// its cleanup (kill -9, a crash) leaves the marker, and `shiftsync sweep` (sweep.hpp) deletes its
// prefix once the process is known to be gone, or the marker is old enough.
//
// Permissions: PutObject (the marker), ListBucket and DeleteObject (the cleanup) on the staging
// location: all in the connector guide's staging policy. No multipart upload is involved, so no
// cleanup depends on s3:AbortMultipartUpload.
//
// Executor: the S3 client's. Lifetimes: the client outlives the run; the run outlives
// async_remove_all's awaitable (it refers to the run).

#include "transfer/staging/prefix_cleanup.hpp"
#include "transfer/staging/staging_location.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>

#include <string>
#include <string_view>

namespace shiftsync::transfer::staging {

class staging_run {
public:
    // An empty run, so that result<staging_run> can be co_spawned (asio default-constructs the
    // value it hands over beside an exception); async_remove_all does nothing on one.
    staging_run() = default;

    // Picks a run id (UTC time + random hex, sortable) and writes the marker; fails (nothing to
    // clean up) when the marker could not be written. A location prefix without its trailing '/'
    // gets one.
    static boost::asio::awaitable<boost::system::result<staging_run>> async_begin(aws::s3::s3_client& s3,
                                                                                 staging_location location,
                                                                                 std::string purpose,
                                                                                 aws::diagnostics& diag);

    const std::string& run_id() const { return run_id_; }
    const std::string& bucket() const { return location_.bucket; }
    // "prefix/<run-id>/"
    std::string prefix() const { return location_.prefix + run_id_ + "/"; }
    // "prefix/<run-id>/_shiftsync_run"
    std::string marker_key() const;
    // "s3://bucket/prefix/<run-id>/" and "s3://bucket/prefix/<run-id>/<sub>". Two overloads, not a
    // default argument (tools/checks/coroutine_hazards.py).
    std::string url() const;
    std::string url(std::string_view sub) const;

    // Lists and deletes everything under the run's prefix, the marker last (kept when S3 refused
    // any other key: the leftovers stay recognisable for the sweep). Works after the awaiting
    // coroutine was cancelled: it resets the cancellation state first, so callers run it on every
    // exit path. S3's refusals are in the report, not an error; a failed call is an error.
    //
    // The caller's side of cancellation: asio's co_await itself throws operation_aborted in a
    // cancelled coroutine whose throw_if_cancelled is on (asio's default), before any callee runs.
    // Await this from a coroutine that reports cancellation as a value (engine::cancellation_as_value,
    // as the engine's and transfer/'s public coroutines do), or co_await
    // this_coro::reset_cancellation_state() first. tests/integration/transfer/staging_run_test.cpp
    // does both.
    boost::asio::awaitable<boost::system::result<cleanup_report>> async_remove_all(aws::diagnostics& diag);

private:
    staging_run(aws::s3::s3_client& s3, staging_location location, std::string run_id)
        : s3_(&s3), location_(std::move(location)), run_id_(std::move(run_id)) {}

    aws::s3::s3_client* s3_ = nullptr;  // a pointer, so that a run moves (into a result)
    staging_location location_;
    std::string run_id_;
};

}  // namespace shiftsync::transfer::staging
