#include "transfer/staging/staging_run.hpp"

#include "transfer/staging/local_process.hpp"
#include "transfer/staging/run_marker.hpp"

#include <boost/asio/this_coro.hpp>

namespace shiftsync::transfer::staging {

namespace asio = boost::asio;

std::string staging_run::marker_key() const { return prefix() + std::string(marker_name); }

std::string staging_run::url() const { return "s3://" + location_.bucket + "/" + prefix(); }

std::string staging_run::url(std::string_view sub) const { return url() + std::string(sub); }

asio::awaitable<boost::system::result<staging_run>> staging_run::async_begin(aws::s3::s3_client& s3,
                                                                            staging_location location,
                                                                            std::string purpose,
                                                                            aws::diagnostics& diag) {
    if (!location.prefix.empty() && !location.prefix.ends_with('/')) location.prefix += '/';
    staging_run run(s3, std::move(location), new_run_id());
    const run_marker marker = marker_for_this_process(run.run_id_, std::move(purpose));
    engine::http::body_source body = engine::http::buffer_source::from(encode_marker(marker));
    const aws::s3::put_options options{.content_type = "application/json"};
    const std::string key = run.marker_key();
    // The marker before anything else: from here on a dead run is recognisable by the sweep.
    auto put = co_await s3.async_put_object(run.location_.bucket, key, std::move(body), options, diag);
    if (!put && put.error() == aws::errc::wrong_region) {
        // Redshift's UNLOAD and COPY reach the staging bucket from the workgroup's region, which
        // is the region shiftsync signs for; a bucket elsewhere fails there too (PermanentRedirect).
        diag.client_note = "the staging bucket s3://" + run.location_.bucket + "/ is in region " +
                           diag.resource_region + ", but the workgroup is in " + s3.region() +
                           ": Redshift's UNLOAD and COPY need the staging bucket in the workgroup's region. Use a "
                           "staging bucket in " + s3.region() + " (nothing was written to s3://" +
                           run.location_.bucket + "/)";
        co_return put.error();
    }
    if (!put) {
        diag.client_note = "could not write the staging run's marker s3://" + run.location_.bucket + "/" + key +
                           (diag.client_note.empty() ? "" : "; " + diag.client_note);
        co_return put.error();
    }
    co_return std::move(run);
}

asio::awaitable<boost::system::result<cleanup_report>> staging_run::async_remove_all(aws::diagnostics& diag) {
    // Callers run this on every exit path, Ctrl-C included: without the reset, the first co_await
    // after a cancellation would end at once with operation_aborted.
    co_await asio::this_coro::reset_cancellation_state();
    if (!s3_) co_return cleanup_report{};
    std::string bucket = location_.bucket, prefix = this->prefix(), marker = marker_key();
    co_return co_await async_delete_prefix(*s3_, std::move(bucket), std::move(prefix), std::move(marker), diag);
}

}  // namespace shiftsync::transfer::staging
