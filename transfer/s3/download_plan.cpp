#include "transfer/s3/download_plan.hpp"

#include "aws/s3/checksums.hpp"
#include "transfer/s3/transfer_error.hpp"

namespace shiftsync::transfer::s3::detail {

namespace asio = boost::asio;
using boost::system::result;

namespace {

download_plan plan_from(const transfer_settings& settings, std::uint64_t size, std::string etag,
                        const aws::s3::object_attributes* attributes) {
    download_plan plan;
    plan.size = size;
    plan.etag = std::move(etag);
    if (size <= settings.part_size) {
        plan.single_get = true;
        if (size > 0) plan.ranges.push_back({0, size});
        return plan;
    }
    std::vector<std::uint64_t> part_sizes;
    bool parts_have_checksums = attributes && !attributes->parts.empty() &&
                                static_cast<int>(attributes->parts.size()) == attributes->parts_count;
    if (parts_have_checksums)
        for (const auto& p : attributes->parts) {
            if (p.checksum_crc32c.empty()) parts_have_checksums = false;
            part_sizes.push_back(p.size);
        }
    plan.ranges = download_ranges(size, settings.part_size, parts_have_checksums ? part_sizes : std::vector<std::uint64_t>{},
                                  settings.max_range);
    if (parts_have_checksums && plan.ranges.size() == attributes->parts.size())
        for (const auto& p : attributes->parts) plan.range_crc32c.push_back(p.checksum_crc32c);
    if (attributes && attributes->checksum_type == "FULL_OBJECT") plan.full_crc32c = attributes->checksum_crc32c;
    return plan;
}

}  // namespace

void explain(const object_location& from, const boost::system::error_code& ec, aws::diagnostics& diag) {
    const std::string url = "s3://" + from.bucket + "/" + from.key;
    if (diag.code == "PreconditionFailed" || ec == errc::object_changed)
        diag.client_note = url + " changed while it was being downloaded (its ETag no longer matches the one seen "
                                 "first); nothing was written under the destination's name. Run the copy again.";
    else if (diag.code == "NoSuchKey" || ec == aws::errc::not_found)
        diag.client_note = url + " does not exist.";
    else if (diag.code == "NoSuchBucket")
        diag.client_note = "the bucket " + from.bucket + " does not exist in this region/account.";
    else if (ec == errc::checksum_mismatch)
        diag.client_note = url + ": the bytes received do not match the CRC32C S3 stored; nothing was kept.";
    else if (ec == errc::size_mismatch)
        diag.client_note = url + ": S3 sent a different number of bytes than the object's size; nothing was kept.";
}

asio::awaitable<result<download_plan>> async_plan_download(transfer_context& ctx, const object_location& from,
                                                           const std::optional<known_object>& known,
                                                           aws::diagnostics& diag) {
    const auto& settings = ctx.settings();
    if (known && known->size <= settings.part_size) co_return plan_from(settings, known->size, known->etag, nullptr);
    auto attributes = co_await ctx.s3().async_get_object_attributes(from.bucket, from.key, diag);
    if (attributes && !attributes->etag.empty()) co_return plan_from(settings, attributes->size, attributes->etag, &*attributes);
    if (!attributes && (attributes.error() == aws::errc::not_found || diag.code == "NoSuchBucket"))
        co_return attributes.error();
    // GetObjectAttributes refused or not implemented (some S3-compatible servers): HeadObject.
    aws::diagnostics head_diag;
    auto head = co_await ctx.s3().async_head_object(from.bucket, from.key, head_diag);
    if (!head) {
        diag = head_diag;
        co_return head.error();
    }
    diag = {};
    co_return plan_from(settings, head->size, head->etag, nullptr);
}

namespace {

// Bytes are counted as they arrive (progress moves within a range), and uncounted when a retry
// starts the range again, so the final count is exact.
asio::awaitable<result<void>> append_to(std::shared_ptr<std::string> buffer, std::uint64_t limit,
                                        std::uint64_t* counted, std::span<const std::byte> chunk) {
    if (buffer->size() + chunk.size() > limit) co_return make_error_code(errc::size_mismatch);
    buffer->append(reinterpret_cast<const char*>(chunk.data()), chunk.size());
    *counted += chunk.size();
    co_return result<void>{};
}

// A received buffer's CRC32C (base64), computed off the network thread.
asio::awaitable<std::string> crc32c_on_pool(transfer_context& ctx, std::shared_ptr<std::string> bytes) {
    auto checksum = [bytes] { return aws::s3::crc32c().update(*bytes).base64(); };
    co_return co_await ctx.cpu().async_run(std::move(checksum));
}

}  // namespace

asio::awaitable<result<void>> async_fetch_range(transfer_context& ctx, const object_location& from,
                                                download_plan& plan, std::size_t index, part_buffer& part,
                                                aws::diagnostics& diag) {
    const span_of_object range = plan.ranges.empty() ? span_of_object{} : plan.ranges[index];
    auto buffer = part.bytes;
    buffer->clear();  // capacity for the whole range was taken with the buffer
    const std::uint64_t limit = range.length;
    std::uint64_t* counted = &ctx.counters().bytes;
    engine::http::consumer_sink sink{
        [buffer, limit, counted](std::span<const std::byte> chunk) { return append_to(buffer, limit, counted, chunk); },
        [buffer, counted] {
            *counted -= buffer->size();  // a retry starts the range again
            buffer->clear();
            return true;
        }};
    aws::s3::get_options get{.if_match = plan.etag, .checksum_mode = plan.single_get};
    if (!plan.single_get) get.range = aws::s3::byte_range{range.first, range.first + range.length - 1};
    auto slot = co_await ctx.request_slots().async_acquire(1, engine::priority::bulk);
    if (!slot) co_return slot.error();
    engine::http::body_sink body = std::move(sink);
    auto head = co_await ctx.s3().async_get_object(from.bucket, from.key, get, std::move(body), diag);
    if (!head) {
        explain(from, head.error(), diag);
        co_return diag.code == "PreconditionFailed" ? make_error_code(errc::object_changed) : head.error();
    }
    if (plan.single_get) {
        plan.size = head->size;
        if (plan.etag.empty()) plan.etag = head->etag;
        if (buffer->size() != head->size) {
            explain(from, make_error_code(errc::size_mismatch), diag);
            co_return make_error_code(errc::size_mismatch);
        }
        // The whole object is in hand: check S3's stored whole-object CRC32C now.
        const bool whole_checksum = !head->checksum_crc32c.empty() && head->checksum_type != "COMPOSITE";
        const std::string expected = whole_checksum ? head->checksum_crc32c : plan.full_crc32c;
        if (!expected.empty()) {
            auto got = co_await crc32c_on_pool(ctx, buffer);
            if (got != expected) {
                explain(from, make_error_code(errc::checksum_mismatch), diag);
                co_return make_error_code(errc::checksum_mismatch);
            }
            plan.verified = true;
            plan.full_crc32c.clear();  // checked: no second pass over the bytes
        }
    } else if (buffer->size() != range.length) {
        explain(from, make_error_code(errc::size_mismatch), diag);
        co_return make_error_code(errc::size_mismatch);
    }
    if (index < plan.range_crc32c.size()) {
        auto got = co_await crc32c_on_pool(ctx, buffer);
        if (got != plan.range_crc32c[index]) {
            explain(from, make_error_code(errc::checksum_mismatch), diag);
            co_return make_error_code(errc::checksum_mismatch);
        }
    }
    co_return result<void>{};
}

}  // namespace shiftsync::transfer::s3::detail
