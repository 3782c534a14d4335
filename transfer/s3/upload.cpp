#include "transfer/s3/upload.hpp"

#include "aws/s3/checksums.hpp"
#include "engine/error.hpp"
#include "engine/scheduler/cancellation.hpp"
#include "engine/scheduler/task_group.hpp"
#include "transfer/s3/fan_out.hpp"
#include "transfer/s3/local_file.hpp"
#include "transfer/s3/transfer_error.hpp"

#include <boost/asio/this_coro.hpp>

#include <cerrno>
#include <cstring>

namespace shiftsync::transfer::s3 {

namespace asio = boost::asio;
using boost::system::result;

namespace {

std::string checksum_of(const std::string& bytes, bool wanted) {
    return wanted ? aws::s3::crc32c().update(bytes).base64() : std::string();
}

// Reads one part of a file into its buffer and checksums it: blocking, for the file pool.
struct read_part {
    std::shared_ptr<local_file> file;
    std::shared_ptr<std::string> bytes;
    std::uint64_t offset;
    bool checksum;
    struct outcome {
        boost::system::error_code error;
        std::string crc32c;
    };
    outcome operator()() const {
        outcome out;
        out.error = file->read_exact(offset, std::span<char>(bytes->data(), bytes->size()));
        if (!out.error) out.crc32c = checksum_of(*bytes, checksum);
        return out;
    }
};

asio::awaitable<result<part_buffer>> fill_from_file(transfer_context& ctx, std::shared_ptr<local_file> file,
                                                    std::uint64_t offset, std::uint64_t length) {
    part_buffer part;
    auto reserved = co_await ctx.memory().async_reserve(length);
    if (!reserved) co_return reserved.error();
    part.reservation = std::move(*reserved);
    part.bytes = ctx.buffers().take(length);
    part.bytes->resize(length);
    read_part read{std::move(file), part.bytes, offset, ctx.settings().checksums};
    auto done = co_await ctx.files().async_run(std::move(read));
    if (done.error) co_return done.error;
    part.crc32c = std::move(done.crc32c);
    co_return std::move(part);
}

boost::system::error_code check_unchanged(const local_file& file) {
    auto now = file.current_size();
    if (!now) return now.error();
    if (*now != file.size_at_open()) return make_error_code(errc::source_changed);
    return {};
}

std::string changed_note(const std::string& path, const local_file& file) {
    auto now = file.current_size();
    return path + " was " + std::to_string(file.size_at_open()) + " bytes when the upload started and is " +
           (now ? std::to_string(*now) : std::string("unreadable")) +
           " bytes now; nothing was completed. Upload it again once it stops changing.";
}

asio::awaitable<result<upload_result>> put_whole(transfer_context& ctx, part_buffer part, const object_location& where,
                                                 const upload_options& options, aws::diagnostics& diag) {
    auto slot = co_await ctx.request_slots().async_acquire(1, engine::priority::bulk);
    if (!slot) co_return slot.error();
    aws::s3::put_options put{.content_type = options.content_type, .crc32c = false, .metadata = options.metadata,
                             .precomputed_crc32c = part.crc32c};
    engine::http::body_source body = part.body();
    auto etag = co_await ctx.s3().async_put_object(where.bucket, where.key, std::move(body), put, diag);
    if (!etag) co_return etag.error();
    ctx.counters().bytes += part.size();
    co_return upload_result{std::move(*etag), part.size(), 0};
}

// The end of every multipart upload: complete it if no part failed, else abandon it (abort, or
// journal and warn) and report the first failure.
asio::awaitable<result<upload_result>> complete_or_abandon(multipart_upload& upload, fan_out_failure& failure,
                                                           std::uint64_t size, aws::diagnostics& diag) {
    if (!failure) {
        auto etag = co_await upload.async_complete(diag);
        if (etag) co_return upload_result{std::move(*etag), size, upload.parts_sent()};
        failure.record(etag.error(), diag);
    }
    co_await upload.async_abandon();
    diag = failure.diag;
    co_return failure.error;
}

asio::awaitable<void> send_file_part(transfer_context& ctx, multipart_upload& upload, std::shared_ptr<local_file> file,
                                     std::uint64_t number, std::uint64_t offset, std::uint64_t length,
                                     fan_out_failure& failure) {
    aws::diagnostics diag;
    auto part = co_await fill_from_file(ctx, std::move(file), offset, length);
    if (!part) {
        failure.record(part.error(), diag);
        co_return;
    }
    auto sent = co_await upload.async_send_part(number, std::move(*part), diag);
    if (!sent) failure.record(sent.error(), diag);
}

asio::awaitable<result<upload_result>> upload_file(transfer_context& ctx, std::string path, object_location where,
                                                   upload_options options, aws::diagnostics& diag) {
    auto opened = local_file::open_for_read(path);
    if (!opened) {
        diag.client_note = opened.error() == errc::source_is_directory
                               ? path + " is a directory; add --recursive to copy what it holds"
                               : path + ": " + std::strerror(errno);
        co_return opened.error();
    }
    std::shared_ptr<local_file> file = std::move(*opened);
    const std::uint64_t size = file->size_at_open();
    const std::uint64_t part_size = upload_part_size(size, ctx.settings().part_size);

    if (size <= ctx.settings().part_size) {
        auto part = co_await fill_from_file(ctx, file, 0, size);
        if (!part && part.error() != errc::source_changed) co_return part.error();
        if (!part || check_unchanged(*file)) {
            diag.client_note = changed_note(path, *file);
            co_return make_error_code(errc::source_changed);
        }
        auto put = co_await put_whole(ctx, std::move(*part), where, options, diag);
        if (!put || !check_unchanged(*file)) co_return put;
        // The file changed while its bytes were on the way: the object is not the file. Take it back.
        aws::diagnostics ignored;
        co_await ctx.s3().async_delete_object(where.bucket, where.key, ignored);
        diag.client_note = changed_note(path, *file);
        co_return make_error_code(errc::source_changed);
    }

    multipart_upload upload(ctx, where);
    auto created = co_await upload.async_create(options, diag);
    if (!created) co_return created.error();
    fan_out_failure failure;
    {
        engine::task_group group(co_await asio::this_coro::executor, ctx.settings().requests_in_flight);
        failure.on_first = [&group] { group.cancel(); };
        const std::uint64_t count = part_count(size, part_size);
        for (std::uint64_t n = 1; n <= count && !failure; ++n) {
            if (co_await engine::is_cancelled()) break;
            const std::uint64_t offset = (n - 1) * part_size;
            auto task = send_file_part(ctx, upload, file, n, offset, std::min(part_size, size - offset), failure);
            co_await group.async_spawn(std::move(task));
        }
        co_await group.async_wait();
    }
    if (!failure && upload.parts_sent() != part_count(size, part_size))
        failure.record(make_error_code(engine::errc::cancelled), {});
    if (!failure) {
        if (auto changed = check_unchanged(*file)) {
            failure.record(changed, {});
            failure.diag.client_note = changed_note(path, *file);
        }
    }
    co_return co_await complete_or_abandon(upload, failure, size, diag);
}

// Reserves a part of `capacity` bytes and fills it from the stream (fewer bytes only at its end).
asio::awaitable<result<part_buffer>> fill_from_stream(transfer_context& ctx, const stream_reader& read,
                                                      std::uint64_t capacity) {
    part_buffer part;
    auto reserved = co_await ctx.memory().async_reserve(capacity);
    if (!reserved) co_return reserved.error();
    part.reservation = std::move(*reserved);
    part.bytes = ctx.buffers().take(capacity);
    part.bytes->resize(capacity);
    auto got = co_await read(std::span<char>(part.bytes->data(), part.bytes->size()));
    if (!got) co_return got.error();
    part.bytes->resize(*got);
    if (ctx.settings().checksums && *got > 0) {
        auto bytes = part.bytes;
        auto checksum = [bytes] { return checksum_of(*bytes, true); };
        part.crc32c = co_await ctx.cpu().async_run(std::move(checksum));
    }
    co_return std::move(part);
}

asio::awaitable<void> send_part(multipart_upload& upload, std::uint64_t number, part_buffer part,
                                fan_out_failure& failure) {
    aws::diagnostics diag;
    auto sent = co_await upload.async_send_part(number, std::move(part), diag);
    if (!sent) failure.record(sent.error(), diag);
}

asio::awaitable<result<upload_result>> upload_stream(transfer_context& ctx, stream_reader read, object_location where,
                                                     upload_options options, aws::diagnostics& diag) {
    const std::uint64_t first_size = streaming_part_size(1, ctx.settings().part_size);
    auto first = co_await fill_from_stream(ctx, read, first_size);
    if (!first) co_return first.error();
    if (first->size() < first_size) co_return co_await put_whole(ctx, std::move(*first), where, options, diag);

    multipart_upload upload(ctx, where);
    auto created = co_await upload.async_create(options, diag);
    if (!created) co_return created.error();
    fan_out_failure failure;
    std::uint64_t total = 0;
    {
        engine::task_group group(co_await asio::this_coro::executor, ctx.settings().requests_in_flight);
        failure.on_first = [&group] { group.cancel(); };
        part_buffer part = std::move(*first);
        for (std::uint64_t n = 1; !failure; ++n) {
            if (co_await engine::is_cancelled()) {
                failure.record(make_error_code(engine::errc::cancelled), {});
                break;
            }
            const bool last = part.size() < streaming_part_size(n, ctx.settings().part_size);
            total += part.size();
            auto task = send_part(upload, n, std::move(part), failure);
            co_await group.async_spawn(std::move(task));
            if (last) break;
            auto next = co_await fill_from_stream(ctx, read, streaming_part_size(n + 1, ctx.settings().part_size));
            if (!next) {
                failure.record(next.error(), {});
                break;
            }
            if (next->size() == 0) break;  // the stream ended exactly at a part boundary
            part = std::move(*next);
        }
        co_await group.async_wait();
    }
    co_return co_await complete_or_abandon(upload, failure, total, diag);
}

asio::awaitable<result<std::size_t>> read_descriptor(engine::cpu_pool& files, std::shared_ptr<local_file> file,
                                                     std::span<char> out) {
    auto job = [file, out] { return file->read_some_full(out); };
    co_return co_await files.async_run(std::move(job));
}

}  // namespace

stream_reader descriptor_reader(transfer_context& ctx, int fd) {
    return [&files = ctx.files(), file = local_file::borrow(fd)](std::span<char> out) {
        return read_descriptor(files, file, out);
    };
}

asio::awaitable<result<upload_result>> async_upload_stream(transfer_context& ctx, stream_reader read,
                                                           object_location where, upload_options options,
                                                           aws::diagnostics& diag) {
    auto body = upload_stream(ctx, std::move(read), std::move(where), std::move(options), diag);
    co_return co_await engine::cancellation_as_value(std::move(body));
}

asio::awaitable<result<upload_result>> async_upload_file(transfer_context& ctx, std::string path, object_location where,
                                                         upload_options options, aws::diagnostics& diag) {
    auto body = upload_file(ctx, std::move(path), std::move(where), std::move(options), diag);
    co_return co_await engine::cancellation_as_value(std::move(body));
}

}  // namespace shiftsync::transfer::s3
