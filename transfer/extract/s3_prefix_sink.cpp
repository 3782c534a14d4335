// The S3 prefix sink (row_sink.hpp): one object per stream, each an upload of unknown length fed
// through a byte pipe as batches are encoded, so nothing is spooled to disk and at most a few
// parts per object are in memory (the pipe's limit plus the upload's part buffers, which the
// transfer context's memory budget bounds).

#include "engine/scheduler/task_group.hpp"
#include "transfer/extract/output_file.hpp"
#include "transfer/s3/transfer_error.hpp"
#include "transfer/s3/upload.hpp"

#include <boost/asio/this_coro.hpp>

#include <cstdio>
#include <deque>

namespace shiftsync::transfer::extract {

namespace asio = boost::asio;
using boost::system::result;

namespace {

struct object_upload {
    std::string key;
    std::unique_ptr<byte_pipe> pipe;
    std::unique_ptr<output_file> out;
    boost::system::error_code error;  // the upload's outcome, once it ended
    aws::diagnostics diag;
    bool done = false;
};

asio::awaitable<void> run_upload(s3::transfer_context& ctx, std::string bucket, object_upload& upload,
                                 std::string content_type) {
    byte_pipe& pipe = *upload.pipe;
    s3::stream_reader read = [&pipe](std::span<char> out) { return pipe.async_read(out); };
    s3::object_location where{std::move(bucket), upload.key};
    s3::upload_options options{.content_type = std::move(content_type), .metadata = {}};
    auto uploaded = co_await s3::async_upload_stream(ctx, read, where, options, upload.diag);
    if (!uploaded) {
        upload.error = uploaded.error();
        pipe.fail(uploaded.error());  // a writer waiting on a full pipe learns it at once
    }
    upload.done = true;
}

class s3_prefix_sink final : public row_sink {
public:
    s3_prefix_sink(s3::transfer_context& ctx, std::string bucket, std::string prefix, sink_format format)
        : ctx_(ctx), bucket_(std::move(bucket)), prefix_(std::move(prefix)), format_(format) {
        if (!prefix_.empty() && prefix_.back() != '/') prefix_ += '/';
    }

    asio::awaitable<result<void>> async_open(const rows::schema& columns, std::size_t streams) override {
        columns_ = columns;
        auto executor = co_await asio::this_coro::executor;
        uploads_group_ = std::make_unique<engine::task_group>(executor, std::max<std::size_t>(1, streams));
        std::string extension = format_.format == rows::output_format::csv ? ".csv" : ".ndjson";
        extension += codec::file_extension(format_.compression);
        std::string content_type = format_.compression != codec::compression::none ? "application/octet-stream"
                                   : format_.format == rows::output_format::csv     ? "text/csv"
                                                                                    : "application/x-ndjson";
        // Each pipe holds at most one part: the upload takes whole parts from it.
        const std::size_t pipe_limit = static_cast<std::size_t>(ctx_.settings().part_size);
        for (std::size_t i = 0; i < std::max<std::size_t>(1, streams); ++i) {
            char name[32];
            std::snprintf(name, sizeof name, "part-%05zu", i);
            auto& upload = uploads_.emplace_back();
            upload.key = prefix_ + name + extension;
            upload.pipe = std::make_unique<byte_pipe>(executor, pipe_limit);
            upload.out = std::make_unique<output_file>(executor, ctx_.cpu(), *upload.pipe,
                                                       "s3://" + bucket_ + "/" + upload.key, format_, columns_);
            auto task = run_upload(ctx_, bucket_, upload, content_type);
            uploads_group_->spawn(std::move(task));
            auto header = co_await upload.out->async_write_header();
            if (!header) co_return fail(header.error(), upload);
        }
        co_return result<void>{};
    }

    asio::awaitable<result<void>> async_write(std::size_t stream, std::shared_ptr<rows::row_batch> batch) override {
        auto& upload = uploads_[stream < uploads_.size() ? stream : 0];
        std::size_t count = batch->rows();
        auto written = co_await upload.out->async_write(std::move(batch));
        if (!written) co_return fail(written.error(), upload);
        rows_ += count;
        co_return result<void>{};
    }

    asio::awaitable<result<void>> async_commit() override {
        for (auto& upload : uploads_) {
            auto finished = co_await upload.out->async_finish(false);
            if (!finished) co_return fail(finished.error(), upload);
            upload.pipe->close();
            bytes_ += upload.out->bytes();
        }
        co_await uploads_group_->async_wait();
        for (auto& upload : uploads_)
            if (upload.error) co_return fail(upload.error, upload);
        committed_ = true;
        co_return result<void>{};
    }

    asio::awaitable<void> async_abandon() override {
        if (!uploads_group_) co_return;
        // A failed pipe makes each upload abandon what it started (abort, or journal and warn);
        // objects already completed are deleted.
        for (auto& upload : uploads_) upload.pipe->fail(make_error_code(errc::io_error));
        co_await uploads_group_->async_wait();
        if (committed_) co_return;
        std::vector<std::string> keys;
        for (auto& upload : uploads_)
            if (!upload.error) keys.push_back(upload.key);  // this upload completed before the failure
        if (!keys.empty()) {
            aws::diagnostics ignored;
            co_await ctx_.s3().async_delete_objects(bucket_, keys, ignored);
        }
    }

private:
    boost::system::error_code fail(boost::system::error_code ec, const object_upload& upload) {
        failure_ = "s3://" + bucket_ + "/" + upload.key + ": " +
                   (upload.diag.code.empty() ? ec.message() : upload.diag.to_string());
        return upload.error ? upload.error : ec;
    }

    s3::transfer_context& ctx_;
    std::string bucket_;
    std::string prefix_;
    sink_format format_;
    rows::schema columns_;
    std::deque<object_upload> uploads_;  // a deque: references stay valid as uploads are added
    std::unique_ptr<engine::task_group> uploads_group_;
    bool committed_ = false;
};

}  // namespace

std::unique_ptr<row_sink> make_s3_prefix_sink(s3::transfer_context& transfers, std::string bucket, std::string prefix,
                                              sink_format format) {
    return std::make_unique<s3_prefix_sink>(transfers, std::move(bucket), std::move(prefix), format);
}

}  // namespace shiftsync::transfer::extract
