// The file, descriptor and directory sinks (row_sink.hpp).

#include "transfer/extract/output_file.hpp"
#include "transfer/s3/local_file.hpp"
#include "transfer/s3/transfer_error.hpp"

#include <boost/asio/this_coro.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <unistd.h>
#include <vector>

namespace shiftsync::transfer::extract {

namespace asio = boost::asio;
namespace fs = std::filesystem;
using boost::system::result;

namespace {

std::string partial_name(const std::string& path) { return path + ".shiftsync-partial"; }

result<int> create_file(const std::string& path, std::string& failure) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        int e = errno;
        failure = "cannot create " + path + ": " + std::strerror(e);
        return s3::file_error(e);
    }
    return fd;
}

// Writes one or more outputs under partial names and renames each at commit.
class named_files_sink : public row_sink {
public:
    named_files_sink(engine::cpu_pool& cpu, sink_format format) : cpu_(cpu), format_(format) {}
    ~named_files_sink() override { remove_partials(); }

    asio::awaitable<result<void>> async_open(const rows::schema& columns, std::size_t streams) override {
        columns_ = columns;
        auto executor = co_await asio::this_coro::executor;
        auto names = final_names(streams);
        if (!names) co_return names.error();
        for (auto& name : *names) {
            std::string partial = partial_name(name);
            auto fd = create_file(partial, failure_);
            if (!fd) co_return fd.error();
            files_.push_back({name, partial, std::make_unique<output_file>(executor, cpu_, *fd, true, name, format_, columns_)});
            auto header = co_await files_.back().out->async_write_header();
            if (!header) co_return fail(header.error(), files_.back());
        }
        co_return result<void>{};
    }

    asio::awaitable<result<void>> async_write(std::size_t stream, std::shared_ptr<rows::row_batch> batch) override {
        auto& file = files_[files_.size() == 1 ? 0 : stream];
        std::size_t count = batch->rows();
        auto done = co_await file.out->async_write(std::move(batch));
        if (!done) co_return fail(done.error(), file);
        rows_ += count;
        co_return result<void>{};
    }

    asio::awaitable<result<void>> async_commit() override {
        for (auto& file : files_) {
            auto done = co_await file.out->async_finish(true);
            if (!done) co_return fail(done.error(), file);
            bytes_ += file.out->bytes();
        }
        for (auto& file : files_) {
            if (std::rename(file.partial.c_str(), file.final_name.c_str()) != 0) {
                int e = errno;
                failure_ = "cannot rename " + file.partial + " to " + file.final_name + ": " + std::strerror(e);
                co_return s3::file_error(e);
            }
            file.renamed = true;
        }
        committed_ = true;
        co_return result<void>{};
    }

    asio::awaitable<void> async_abandon() override {
        remove_partials();
        co_return;
    }

protected:
    virtual result<std::vector<std::string>> final_names(std::size_t streams) = 0;

    void remove_partials() noexcept {
        if (committed_) return;
        for (auto& file : files_)
            if (!file.renamed) ::unlink(file.partial.c_str());
    }

private:
    struct file {
        std::string final_name;
        std::string partial;
        std::unique_ptr<output_file> out;
        bool renamed = false;
    };
    boost::system::error_code fail(boost::system::error_code ec, const file& f) {
        if (!f.out->failure().empty()) failure_ = f.out->failure();
        return ec;
    }

    engine::cpu_pool& cpu_;
    sink_format format_;
    rows::schema columns_;
    std::vector<file> files_;
    bool committed_ = false;
};

class file_sink final : public named_files_sink {
public:
    file_sink(engine::cpu_pool& cpu, std::string path, sink_format format)
        : named_files_sink(cpu, format), path_(std::move(path)) {}

private:
    result<std::vector<std::string>> final_names(std::size_t) override { return std::vector<std::string>{path_}; }
    std::string path_;
};

class directory_sink final : public named_files_sink {
public:
    directory_sink(engine::cpu_pool& cpu, std::string directory, sink_format format)
        : named_files_sink(cpu, format), directory_(std::move(directory)), format_(format) {}

private:
    result<std::vector<std::string>> final_names(std::size_t streams) override {
        std::error_code ec;
        fs::create_directories(directory_, ec);
        if (ec) {
            failure_ = "cannot create the directory " + directory_ + ": " + ec.message();
            return s3::file_error(ec.value());
        }
        std::string extension = format_.format == rows::output_format::csv ? ".csv" : ".ndjson";
        extension += codec::file_extension(format_.compression);
        std::vector<std::string> names;
        for (std::size_t i = 0; i < std::max<std::size_t>(1, streams); ++i) {
            char name[32];
            std::snprintf(name, sizeof name, "part-%05zu", i);
            names.push_back((fs::path(directory_) / (name + extension)).string());
        }
        return names;
    }
    std::string directory_;
    sink_format format_;
};

class descriptor_sink final : public row_sink {
public:
    descriptor_sink(engine::cpu_pool& cpu, int fd, sink_format format) : cpu_(cpu), fd_(fd), format_(format) {}

    asio::awaitable<result<void>> async_open(const rows::schema& columns, std::size_t) override {
        columns_ = columns;
        auto executor = co_await asio::this_coro::executor;
        out_ = std::make_unique<output_file>(executor, cpu_, fd_, false, fd_ == 1 ? "stdout" : "the output", format_,
                                             columns_);
        auto header = co_await out_->async_write_header();
        if (!header) failure_ = out_->failure();
        co_return header;
    }
    asio::awaitable<result<void>> async_write(std::size_t, std::shared_ptr<rows::row_batch> batch) override {
        std::size_t count = batch->rows();
        auto done = co_await out_->async_write(std::move(batch));
        if (!done) {
            failure_ = out_->failure();
            co_return done;
        }
        rows_ += count;
        co_return result<void>{};
    }
    asio::awaitable<result<void>> async_commit() override {
        auto done = co_await out_->async_finish(false);
        if (!done) failure_ = out_->failure();
        bytes_ = out_->bytes();
        co_return done;
    }
    asio::awaitable<void> async_abandon() override { co_return; }

private:
    engine::cpu_pool& cpu_;
    int fd_;
    sink_format format_;
    rows::schema columns_;
    std::unique_ptr<output_file> out_;
};

}  // namespace

std::unique_ptr<row_sink> make_file_sink(engine::cpu_pool& cpu, std::string path, sink_format format) {
    return std::make_unique<file_sink>(cpu, std::move(path), format);
}
std::unique_ptr<row_sink> make_descriptor_sink(engine::cpu_pool& cpu, int fd, sink_format format) {
    return std::make_unique<descriptor_sink>(cpu, fd, format);
}
std::unique_ptr<row_sink> make_directory_sink(engine::cpu_pool& cpu, std::string directory, sink_format format) {
    return std::make_unique<directory_sink>(cpu, std::move(directory), format);
}

}  // namespace shiftsync::transfer::extract
