#include "transfer/s3/recursive.hpp"

#include "engine/error.hpp"
#include "engine/scheduler/cancellation.hpp"
#include "engine/scheduler/task_group.hpp"
#include "transfer/s3/transfer_error.hpp"

#include <boost/asio/this_coro.hpp>

#include <filesystem>

namespace shiftsync::transfer::s3 {

namespace asio = boost::asio;
namespace fs = std::filesystem;
using boost::system::result;

std::string as_prefix(std::string prefix) {
    if (!prefix.empty() && prefix.back() != '/') prefix.push_back('/');
    return prefix;
}

std::optional<std::string> local_path_for(const std::string& directory, const std::string& relative_key) {
    fs::path relative(relative_key);
    if (relative_key.empty() || relative.is_absolute()) return std::nullopt;
    for (const auto& part : relative)
        if (part == "..") return std::nullopt;
    return (fs::path(directory) / relative).lexically_normal().string();
}

namespace {

asio::awaitable<void> upload_one(transfer_context& ctx, std::string path, object_location where,
                                 const upload_options& options, const failure_report& report) {
    aws::diagnostics diag;
    auto done = co_await async_upload_file(ctx, path, where, options, diag);
    if (done) {
        ++ctx.counters().objects;
        co_return;
    }
    ++ctx.counters().failed_objects;
    report(path + " -> s3://" + where.bucket + "/" + where.key, done.error(), diag);
}

asio::awaitable<void> download_one(transfer_context& ctx, object_location from, std::string path, known_object known,
                                   const failure_report& report) {
    aws::diagnostics diag;
    std::error_code made;
    fs::create_directories(fs::path(path).parent_path(), made);
    std::optional<known_object> size_known = known;
    auto done = co_await async_download_file(ctx, from, path, std::move(size_known), diag);
    if (done) {
        ++ctx.counters().objects;
        co_return;
    }
    ++ctx.counters().failed_objects;
    report("s3://" + from.bucket + "/" + from.key + " -> " + path, done.error(), diag);
}

result<void> overall(transfer_context& ctx, bool cancelled) {
    if (cancelled) return make_error_code(engine::errc::cancelled);
    if (ctx.counters().failed_objects > 0) return make_error_code(errc::some_failed);
    return {};
}

asio::awaitable<result<void>> upload_directory(transfer_context& ctx, std::string directory, std::string bucket,
                                               std::string prefix, upload_options options, failure_report report) {
    std::error_code ec;
    fs::recursive_directory_iterator it(directory, fs::directory_options::skip_permission_denied, ec);
    if (ec) {
        aws::diagnostics diag;
        diag.client_note = "cannot read the directory " + directory + ": " + ec.message();
        report(directory, make_error_code(errc::source_missing), diag);
        co_return make_error_code(errc::source_missing);
    }
    prefix = as_prefix(std::move(prefix));
    bool cancelled = false;
    {
        engine::task_group group(co_await asio::this_coro::executor, ctx.settings().objects_in_flight);
        for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
            if (ec) break;
            if (co_await engine::is_cancelled()) {
                cancelled = true;
                break;
            }
            std::error_code type_ec;
            if (!it->is_regular_file(type_ec)) continue;
            std::string key = prefix + fs::relative(it->path(), directory, type_ec).generic_string();
            ++ctx.counters().objects_expected;
            ctx.counters().bytes_expected += it->file_size(type_ec);
            auto task = upload_one(ctx, it->path().string(), {bucket, std::move(key)}, options, report);
            co_await group.async_spawn(std::move(task));
        }
        co_await group.async_wait();
    }
    if (ec) {
        aws::diagnostics diag;
        diag.client_note = "listing " + directory + " failed: " + ec.message();
        report(directory, make_error_code(errc::io_error), diag);
        co_return make_error_code(errc::io_error);
    }
    co_return overall(ctx, cancelled);
}

asio::awaitable<result<void>> download_prefix(transfer_context& ctx, std::string bucket, std::string prefix,
                                              std::string directory, failure_report report) {
    prefix = as_prefix(std::move(prefix));
    bool cancelled = false;
    result<void> listing;
    {
        engine::task_group group(co_await asio::this_coro::executor, ctx.settings().objects_in_flight);
        aws::s3::list_request request{.prefix = prefix};
        do {
            aws::diagnostics diag;
            auto page = co_await ctx.s3().async_list_objects_v2(bucket, request, diag);
            if (!page) {
                report("listing s3://" + bucket + "/" + prefix, page.error(), diag);
                listing = page.error();
                break;
            }
            for (auto& object : page->objects) {
                if (co_await engine::is_cancelled()) {
                    cancelled = true;
                    break;
                }
                std::string relative = object.key.substr(prefix.size());
                auto path = local_path_for(directory, relative);
                if (!path) {
                    aws::diagnostics unsafe;
                    unsafe.client_note = "the key s3://" + bucket + "/" + object.key + " would be written outside " +
                                         directory + "; skipped";
                    ++ctx.counters().failed_objects;
                    report(object.key, make_error_code(errc::unsafe_key), unsafe);
                    continue;
                }
                if (!object.key.empty() && object.key.back() == '/') {  // a "folder" marker
                    std::error_code made;
                    fs::create_directories(*path, made);
                    continue;
                }
                ++ctx.counters().objects_expected;
                ctx.counters().bytes_expected += object.size;
                known_object known{object.size, object.etag};
                auto task = download_one(ctx, {bucket, object.key}, std::move(*path), std::move(known), report);
                co_await group.async_spawn(std::move(task));
            }
            request.continuation_token = page->next_continuation_token;
        } while (!cancelled && !request.continuation_token.empty());
        co_await group.async_wait();
    }
    if (!listing) co_return listing.error();
    co_return overall(ctx, cancelled);
}

}  // namespace

asio::awaitable<result<void>> async_upload_directory(transfer_context& ctx, std::string directory, std::string bucket,
                                                     std::string prefix, upload_options options, failure_report report) {
    auto body = upload_directory(ctx, std::move(directory), std::move(bucket), std::move(prefix), std::move(options),
                                 std::move(report));
    co_return co_await engine::cancellation_as_value(std::move(body));
}

asio::awaitable<result<void>> async_download_prefix(transfer_context& ctx, std::string bucket, std::string prefix,
                                                    std::string directory, failure_report report) {
    auto body = download_prefix(ctx, std::move(bucket), std::move(prefix), std::move(directory), std::move(report));
    co_return co_await engine::cancellation_as_value(std::move(body));
}

}  // namespace shiftsync::transfer::s3
