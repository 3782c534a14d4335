#include "transfer/s3/download.hpp"

#include "aws/s3/checksums.hpp"
#include "engine/error.hpp"
#include "engine/scheduler/cancellation.hpp"
#include "engine/scheduler/task_group.hpp"
#include "transfer/s3/download_plan.hpp"
#include "transfer/s3/fan_out.hpp"
#include "transfer/s3/local_file.hpp"
#include "transfer/s3/transfer_error.hpp"

#include <boost/asio/this_coro.hpp>

#include <cstdio>
#include <map>

#include <sys/statvfs.h>

namespace shiftsync::transfer::s3 {

namespace asio = boost::asio;
using boost::system::result;
using detail::download_plan;

namespace {

// Where fetched ranges go: a file at their offsets, or a consumer in order.
class range_destination {
public:
    virtual ~range_destination() = default;
    virtual asio::awaitable<result<void>> async_accept(std::size_t index, std::uint64_t offset, part_buffer part) = 0;
};

class file_destination final : public range_destination {
public:
    file_destination(engine::cpu_pool& files, std::shared_ptr<local_file> file) : files_(files), file_(std::move(file)) {}

    asio::awaitable<result<void>> async_accept(std::size_t, std::uint64_t offset, part_buffer part) override {
        auto write = [file = file_, bytes = part.bytes, offset]() -> result<void> {
            // (result<void> built from an error_code is an error even for a zero code: test first.)
            if (auto ec = file->write_exact(offset, std::span<const char>(bytes->data(), bytes->size()))) return ec;
            return {};
        };
        co_return co_await files_.async_run(std::move(write));
    }

private:
    engine::cpu_pool& files_;
    std::shared_ptr<local_file> file_;
};

class ordered_destination final : public range_destination {
public:
    explicit ordered_destination(chunk_consumer consume) : consume_(std::move(consume)) {}

    // Whoever finds nobody delivering delivers every range that is due, in order, including the
    // ones others left in the window.
    asio::awaitable<result<void>> async_accept(std::size_t index, std::uint64_t, part_buffer part) override {
        window_.emplace(index, std::move(part));
        if (delivering_) co_return result<void>{};
        delivering_ = true;
        while (!window_.empty() && window_.begin()->first == next_) {
            part_buffer due = std::move(window_.begin()->second);
            window_.erase(window_.begin());
            running_crc_.update(*due.bytes);
            auto delivered = co_await consume_(std::span<const char>(due.bytes->data(), due.bytes->size()));
            if (!delivered) {
                delivering_ = false;
                co_return delivered.error();
            }
            ++next_;
        }
        delivering_ = false;
        co_return result<void>{};
    }

    std::string running_crc32c() const { return running_crc_.base64(); }

private:
    chunk_consumer consume_;
    std::map<std::size_t, part_buffer> window_;
    std::size_t next_ = 0;
    bool delivering_ = false;
    aws::s3::crc32c running_crc_;
};

asio::awaitable<void> fetch_and_deliver(transfer_context& ctx, const object_location& from, download_plan& plan,
                                        std::size_t index, part_buffer part, range_destination& destination,
                                        fan_out_failure& failure) {
    aws::diagnostics diag;
    auto fetched = co_await detail::async_fetch_range(ctx, from, plan, index, part, diag);
    if (!fetched) {
        failure.record(fetched.error(), diag);
        co_return;
    }
    const std::uint64_t offset = plan.ranges.empty() ? 0 : plan.ranges[index].first;
    auto accepted = co_await destination.async_accept(index, offset, std::move(part));
    if (!accepted) failure.record(accepted.error(), diag);
}

// The plan, with the failure explained; a single download's size announced for progress (a
// recursive copy counts what it listed instead).
asio::awaitable<result<download_plan>> plan_for(transfer_context& ctx, const object_location& from,
                                                const std::optional<known_object>& known, aws::diagnostics& diag) {
    auto planned = co_await detail::async_plan_download(ctx, from, known, diag);
    if (!planned) {
        detail::explain(from, planned.error(), diag);
        co_return planned.error();
    }
    if (ctx.counters().objects_expected == 0) ctx.counters().bytes_expected = planned->size;
    co_return planned;
}

// Fetches every range of the plan, reserving each range's buffer in order before its GET.
asio::awaitable<fan_out_failure> fetch_all(transfer_context& ctx, const object_location& from, download_plan& plan,
                                           range_destination& destination) {
    fan_out_failure failure;
    engine::task_group group(co_await asio::this_coro::executor, ctx.settings().requests_in_flight);
    failure.on_first = [&group] { group.cancel(); };
    const std::size_t count = std::max<std::size_t>(plan.ranges.size(), plan.single_get ? 1 : 0);
    for (std::size_t i = 0; i < count && !failure; ++i) {
        if (co_await engine::is_cancelled()) {
            failure.record(make_error_code(engine::errc::cancelled), {});
            break;
        }
        const std::uint64_t length = plan.ranges.empty() ? 0 : plan.ranges[i].length;
        auto reserved = co_await ctx.memory().async_reserve(length);
        if (!reserved) {
            failure.record(reserved.error(), {});
            break;
        }
        part_buffer part{std::move(*reserved), ctx.buffers().take(length)};
        auto task = fetch_and_deliver(ctx, from, plan, i, std::move(part), destination, failure);
        co_await group.async_spawn(std::move(task));
    }
    co_await group.async_wait();
    co_return failure;
}

// Re-reads the finished partial file to check a whole-object CRC32C (ranges land out of order).
struct whole_file_crc {
    std::shared_ptr<local_file> file;
    std::uint64_t size;
    result<std::string> operator()() const {
        aws::s3::crc32c crc;
        std::string chunk(8 << 20, '\0');
        for (std::uint64_t at = 0; at < size; at += chunk.size()) {
            std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(chunk.size(), size - at));
            if (auto ec = file->read_exact(at, std::span<char>(chunk.data(), n))) return ec;
            crc.update(chunk.data(), n);
        }
        return crc.base64();
    }
};

std::string disk_full_note(const std::string& destination, std::uint64_t needed) {
    std::string dir = destination.substr(0, destination.find_last_of('/') + 1);
    struct statvfs fs {};
    std::string free_text;
    if (::statvfs(dir.empty() ? "." : dir.c_str(), &fs) == 0)
        free_text = "; the file system has " + std::to_string(std::uint64_t(fs.f_bavail) * fs.f_frsize) + " bytes free";
    return "no room for " + destination + ": it needs " + std::to_string(needed) + " bytes" + free_text +
           ". The partial file was removed.";
}

asio::awaitable<result<download_result>> download_file(transfer_context& ctx, object_location from,
                                                       std::string destination, std::optional<known_object> known,
                                                       aws::diagnostics& diag) {
    auto planned = co_await plan_for(ctx, from, known, diag);
    if (!planned) co_return planned.error();
    download_plan plan = std::move(*planned);
    const std::string partial = partial_path(destination);
    auto created = local_file::create(partial);
    if (!created) {
        diag.client_note = "cannot create " + partial + ": " + created.error().message();
        co_return created.error();
    }
    std::shared_ptr<local_file> file = std::move(*created);
    auto fail = [&](boost::system::error_code ec) {
        std::remove(partial.c_str());
        return ec;
    };
    if (auto ec = file->preallocate(plan.size)) {
        diag.client_note = ec == errc::disk_full ? disk_full_note(destination, plan.size)
                                                  : "cannot write " + partial + ": " + ec.message();
        co_return fail(ec);
    }
    file_destination sink(ctx.files(), file);
    fan_out_failure failure = co_await fetch_all(ctx, from, plan, sink);
    if (failure) {
        diag = failure.diag;
        if (failure.error == errc::disk_full) diag.client_note = disk_full_note(destination, plan.size);
        co_return fail(failure.error);
    }
    bool verified = plan.verified || !plan.range_crc32c.empty();
    if (!plan.full_crc32c.empty()) {
        whole_file_crc job{file, plan.size};
        auto crc = co_await ctx.cpu().async_run(std::move(job));
        if (!crc || *crc != plan.full_crc32c) {
            detail::explain(from, make_error_code(errc::checksum_mismatch), diag);
            co_return fail(make_error_code(errc::checksum_mismatch));
        }
        verified = true;
    }
    auto finish = [file, partial, destination] {
        if (auto ec = file->sync()) return result<void>(ec);
        if (std::rename(partial.c_str(), destination.c_str()) != 0) return result<void>(file_error(errno));
        return result<void>{};
    };
    auto finished = co_await ctx.files().async_run(std::move(finish));
    if (!finished) {
        diag.client_note = "cannot move " + partial + " to " + destination + ": " + finished.error().message();
        co_return fail(finished.error());
    }
    co_return download_result{plan.size, plan.etag, verified};
}

asio::awaitable<result<download_result>> download_stream(transfer_context& ctx, object_location from,
                                                         chunk_consumer consume, std::optional<known_object> known,
                                                         aws::diagnostics& diag) {
    auto planned = co_await plan_for(ctx, from, known, diag);
    if (!planned) co_return planned.error();
    download_plan plan = std::move(*planned);
    ordered_destination sink(std::move(consume));
    fan_out_failure failure = co_await fetch_all(ctx, from, plan, sink);
    if (failure) {
        diag = failure.diag;
        co_return failure.error;
    }
    // The bytes are already out: a mismatch here cannot be undone, only reported (exit 1).
    if (!plan.full_crc32c.empty() && sink.running_crc32c() != plan.full_crc32c) {
        detail::explain(from, make_error_code(errc::checksum_mismatch), diag);
        co_return make_error_code(errc::checksum_mismatch);
    }
    co_return download_result{plan.size, plan.etag,
                              plan.verified || !plan.full_crc32c.empty() || !plan.range_crc32c.empty()};
}

asio::awaitable<result<void>> write_descriptor(engine::cpu_pool& files, std::shared_ptr<local_file> file,
                                               std::span<const char> data) {
    auto job = [file, data] {
        std::size_t done = 0;
        while (done < data.size()) {
            ssize_t n = ::write(file->fd(), data.data() + done, data.size() - done);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) return result<void>(file_error(errno));
            done += static_cast<std::size_t>(n);
        }
        return result<void>{};
    };
    co_return co_await files.async_run(std::move(job));
}

}  // namespace

chunk_consumer descriptor_writer(transfer_context& ctx, int fd) {
    return [&files = ctx.files(), file = local_file::borrow(fd)](std::span<const char> data) {
        return write_descriptor(files, file, data);
    };
}

asio::awaitable<result<download_result>> async_download_file(transfer_context& ctx, object_location from,
                                                             std::string destination, std::optional<known_object> known,
                                                             aws::diagnostics& diag) {
    auto body = download_file(ctx, std::move(from), std::move(destination), std::move(known), diag);
    co_return co_await engine::cancellation_as_value(std::move(body));
}

asio::awaitable<result<download_result>> async_download_stream(transfer_context& ctx, object_location from,
                                                               chunk_consumer consume, std::optional<known_object> known,
                                                               aws::diagnostics& diag) {
    auto body = download_stream(ctx, std::move(from), std::move(consume), std::move(known), diag);
    co_return co_await engine::cancellation_as_value(std::move(body));
}

}  // namespace shiftsync::transfer::s3
