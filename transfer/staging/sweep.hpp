#pragma once
// `shiftsync sweep` as a library call: deletes the prefixes of staging runs that died before their
// cleanup (kill -9, a crash, a lost machine).
//
// It looks one level below the staging location, only at folders named like a run id, and acts
// only on those holding a marker it fully understands whose run_id is the folder's own; anything
// else is never touched. Whether a run is swept is decide_sweep's (sweep_decision.hpp): its
// process is gone from this host, or (another host) its marker is at least `older_than` old;
// never while its process runs on this host. A swept prefix is emptied like a run's own cleanup
// (prefix_cleanup.hpp: DeleteObjects batches, the marker last); what S3 refuses is reported by key.
//
// Permissions: ListBucket, GetObject (markers) and DeleteObject: in the staging policy.

#include "transfer/staging/prefix_cleanup.hpp"
#include "transfer/staging/staging_location.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>

#include <chrono>
#include <string>
#include <vector>

namespace shiftsync::transfer::staging {

struct sweep_options {
    std::chrono::seconds older_than{std::chrono::hours{6}};
    bool dry_run = false;  // decide and count, delete nothing
};

struct swept_run {
    std::string run_id;
    std::string reason;  // "process 123 on host x is gone (…)", "started 2026-… on host y (older than 6h)"
    std::uint64_t objects = 0;  // deleted; with dry_run, the objects there
    std::vector<aws::s3::delete_failure> refused;
};

struct kept_run {
    std::string run_id;
    std::string reason;  // "process 123 on host x is still running (…)", "… (younger than 6h; …)", a bad marker
};

struct sweep_report {
    std::vector<swept_run> swept;
    std::vector<kept_run> kept;
};

// Fails on the first failed call (listing, reading a marker, deleting); runs swept before it are
// then lost from the report but not harmed: a half-swept prefix keeps its marker for next time.
boost::asio::awaitable<boost::system::result<sweep_report>> async_sweep(aws::s3::s3_client& s3,
                                                                       staging_location location,
                                                                       sweep_options options,
                                                                       aws::diagnostics& diag);

}  // namespace shiftsync::transfer::staging
