#include "transfer/s3/multipart_upload.hpp"

#include <boost/asio/this_coro.hpp>

namespace shiftsync::transfer::s3 {

namespace asio = boost::asio;

asio::awaitable<boost::system::result<void>> multipart_upload::async_create(const upload_options& options,
                                                                           aws::diagnostics& diag) {
    aws::s3::multipart_options create{.content_type = options.content_type, .metadata = options.metadata,
                                      .crc32c = ctx_.settings().checksums};
    auto id = co_await ctx_.s3().async_create_multipart_upload(where_.bucket, where_.key, create, diag);
    if (!id) co_return id.error();
    upload_id_ = std::move(*id);
    if (auto* journal = ctx_.journal()) {
        auto recorded = journal->record_started({where_.bucket, where_.key, upload_id_, utc_now_iso8601()});
        if (!recorded)
            ctx_.warn_once("journal", "shiftsync: cannot write the upload journal " + journal->path() + ": " +
                                          recorded.error().message() +
                                          "; an upload that fails now cannot be found again by shiftsync rm --incomplete-uploads");
    }
    co_return boost::system::result<void>{};
}

asio::awaitable<boost::system::result<void>> multipart_upload::async_send_part(std::uint64_t number, part_buffer part,
                                                                              aws::diagnostics& diag) {
    auto slot = co_await ctx_.request_slots().async_acquire(1, engine::priority::bulk);
    if (!slot) co_return slot.error();
    const int part_number = static_cast<int>(number);
    engine::http::body_source body = part.body();
    auto etag = co_await ctx_.s3().async_upload_part(where_.bucket, where_.key, upload_id_, part_number,
                                                     std::move(body), part.crc32c, diag);
    if (!etag) co_return etag.error();
    if (parts_.size() < number) parts_.resize(number);
    parts_[number - 1] = {part_number, std::move(*etag), std::move(part.crc32c)};
    ctx_.counters().bytes += part.size();
    co_return boost::system::result<void>{};
}

asio::awaitable<boost::system::result<std::string>> multipart_upload::async_complete(aws::diagnostics& diag) {
    for (const auto& p : parts_)
        if (p.etag.empty()) {
            diag.client_note = "part " + std::to_string(&p - parts_.data() + 1) + " was never sent";
            co_return make_error_code(aws::errc::service_error);
        }
    auto etag = co_await ctx_.s3().async_complete_multipart_upload(where_.bucket, where_.key, upload_id_, parts_, diag);
    if (!etag) co_return etag.error();
    if (auto* journal = ctx_.journal()) (void)journal->record_finished(where_.bucket, where_.key, upload_id_);
    co_return std::move(*etag);
}

asio::awaitable<void> multipart_upload::async_abandon() {
    if (upload_id_.empty()) co_return;
    // Cleanup must run after a cancellation too (Ctrl-C): without this, the next co_await would
    // throw operation_aborted at once.
    co_await asio::this_coro::reset_cancellation_state();
    aws::diagnostics diag;
    auto aborted = co_await ctx_.s3().async_abort_multipart_upload(where_.bucket, where_.key, upload_id_, diag);
    auto* journal = ctx_.journal();
    if (aborted || diag.code == "NoSuchUpload") {
        if (journal) (void)journal->record_finished(where_.bucket, where_.key, upload_id_);
        co_return;
    }
    std::string where_kept = journal ? "it is recorded in " + journal->path() +
                                           " for `shiftsync rm --incomplete-uploads s3://" + where_.bucket +
                                           "/` run with that permission"
                                     : "no journal was kept";
    if (aborted.error() == aws::errc::access_denied) {
        ctx_.warn_once("abort-refused",
                       "shiftsync: warning: AbortMultipartUpload was refused (the role lacks s3:AbortMultipartUpload, "
                       "which the connector guide does not grant) for s3://" + where_.bucket + "/" + where_.key +
                           ". Its parts stay in the bucket until a lifecycle rule with AbortIncompleteMultipartUpload "
                           "removes them; " + where_kept + ". Said once per run; other refused aborts are recorded the same way.");
    } else {
        ctx_.warn("shiftsync: warning: could not abort multipart upload of s3://" + where_.bucket + "/" + where_.key +
                  " (" + (diag.code.empty() ? aborted.error().message() : diag.code) + "); " + where_kept + ".");
    }
}

}  // namespace shiftsync::transfer::s3
