// The file and directory sinks, with the CPU pool they hand every batch to: encoded there in
// parallel, then compressed and written there one job at a time, each result taken back on the
// network thread. Several streams write at once; every stream must come out whole, in its order,
// in a file that decompresses completely. make test also runs these under ThreadSanitizer
// (label `threads`), which checks the hand-offs themselves.
#include "engine/scheduler/cpu_pool.hpp"
#include "tests/support/run_until_done.hpp"
#include "transfer/codec/compression.hpp"
#include "transfer/extract/row_sink.hpp"
#include "transfer/rows/row_encoder.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <sstream>
#include <unistd.h>

namespace asio = boost::asio;
namespace fs = std::filesystem;
using namespace shiftsync::transfer;
using boost::system::result;
using shiftsync::engine::cpu_pool;
using shiftsync::testing::run_until_done;

namespace {

constexpr std::size_t streams = 4;
constexpr std::size_t batches_per_stream = 12;
constexpr std::size_t rows_per_batch = 300;

rows::schema columns() {
    return {{"stream", "int4", rows::value_kind::integer},
            {"n", "int8", rows::value_kind::integer},
            {"s", "varchar", rows::value_kind::text}};
}

// Row n of a stream: its numbers, and a text that needs quoting now and then, or NULL.
std::shared_ptr<rows::row_batch> batch_of(std::size_t stream, std::size_t index) {
    auto batch = std::make_shared<rows::row_batch>(3);
    for (std::size_t r = 0; r < rows_per_batch; ++r) {
        const std::size_t n = index * rows_per_batch + r;
        batch->add_value(std::to_string(stream));
        batch->add_value(std::to_string(n));
        if (n % 7 == 3)
            batch->end_null();
        else
            batch->add_value(n % 5 == 0 ? "with, a \"quote\"" : "row " + std::to_string(n));
    }
    return batch;
}

std::vector<std::vector<std::shared_ptr<rows::row_batch>>> every_batch() {
    std::vector<std::vector<std::shared_ptr<rows::row_batch>>> all(streams);
    for (std::size_t s = 0; s < streams; ++s)
        for (std::size_t b = 0; b < batches_per_stream; ++b) all[s].push_back(batch_of(s, b));
    return all;
}

// What one stream's rows look like as CSV, encoded here on one thread.
std::string expected_rows(const std::vector<std::shared_ptr<rows::row_batch>>& batches) {
    std::string out;
    for (const auto& b : batches) rows::encode_rows(rows::output_format::csv, columns(), *b, out);
    return out;
}

std::string header() {
    std::string out;
    rows::encode_header(rows::output_format::csv, columns(), out);
    return out;
}

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// The whole stream decompressed; fails the test when it is corrupt or cut short.
std::string decompressed(codec::compression c, const std::string& data) {
    auto d = codec::make_decompressor(c);
    std::string out;
    std::vector<char> buffer(1 << 16);
    std::string_view in = data;
    while (!in.empty()) {
        auto n = d->decompress(in, std::span<char>(buffer.data(), buffer.size()));
        EXPECT_TRUE(n) << d->error();
        if (!n) break;
        out.append(buffer.data(), *n);
    }
    EXPECT_TRUE(d->complete());
    return out;
}

asio::awaitable<result<void>> write_stream(extract::row_sink& sink, std::size_t stream,
                                           std::vector<std::shared_ptr<rows::row_batch>> batches) {
    for (auto& b : batches) {
        auto done = co_await sink.async_write(stream, std::move(b));
        if (!done) co_return done;
    }
    co_return result<void>{};
}

// Opens `sink` for every stream, writes the streams concurrently, commits.
void write_all_streams(asio::io_context& io, extract::row_sink& sink,
                       const std::vector<std::vector<std::shared_ptr<rows::row_batch>>>& all) {
    auto opened = run_until_done(io, sink.async_open(columns(), streams));
    ASSERT_TRUE(opened) << sink.failure();
    std::vector<std::future<result<void>>> writers;
    for (std::size_t s = 0; s < streams; ++s) writers.push_back(asio::co_spawn(io, write_stream(sink, s, all[s]), asio::use_future));
    io.restart();
    io.run();
    for (auto& w : writers) {
        auto written = w.get();
        ASSERT_TRUE(written) << sink.failure();
    }
    auto committed = run_until_done(io, sink.async_commit());
    ASSERT_TRUE(committed) << sink.failure();
    EXPECT_EQ(sink.rows_written(), streams * batches_per_stream * rows_per_batch);
}

class SinkThreads : public ::testing::TestWithParam<codec::compression> {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("sink_threads_" + std::to_string(::getpid()) + "_" +
                                            std::to_string(static_cast<int>(GetParam())));
        fs::remove_all(dir_);
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }
    fs::path dir_;
    // The context first: it must outlive the pool, whose threads still touch it while they hand
    // a result back (see cpu_pool.hpp). TSan found it the other way round.
    asio::io_context io;
    cpu_pool cpu{3};
};

}  // namespace

TEST_P(SinkThreads, a_directory_sink_writes_each_stream_whole_and_in_order_to_its_own_file) {
    const auto all = every_batch();
    auto sink = extract::make_directory_sink(cpu, (dir_ / "out").string(), {rows::output_format::csv, GetParam()});
    write_all_streams(io, *sink, all);
    const std::string extension = ".csv" + std::string(codec::file_extension(GetParam()));
    for (std::size_t s = 0; s < streams; ++s) {
        const auto path = dir_ / "out" / ("part-0000" + std::to_string(s) + extension);
        ASSERT_TRUE(fs::exists(path)) << path;
        EXPECT_EQ(decompressed(GetParam(), read_file(path)), header() + expected_rows(all[s])) << "stream " << s;
    }
    EXPECT_FALSE(fs::exists(dir_ / "out" / ("part-00000" + extension + ".shiftsync-partial")));
}

TEST_P(SinkThreads, a_file_sink_interleaves_whole_batches_and_keeps_each_streams_order) {
    const auto all = every_batch();
    const auto path = dir_ / ("all.csv" + std::string(codec::file_extension(GetParam())));
    auto sink = extract::make_file_sink(cpu, path.string(), {rows::output_format::csv, GetParam()});
    write_all_streams(io, *sink, all);
    const std::string text = decompressed(GetParam(), read_file(path));
    ASSERT_EQ(text.substr(0, header().size()), header());
    // Cut the file into the batches of each stream as they follow one another: every batch is
    // written whole, so the rest is a sequence of batches each equal to its stream's next one.
    std::map<std::size_t, std::size_t> next;  // stream -> batches of it seen so far
    std::size_t at = header().size();
    while (at < text.size()) {
        const std::size_t stream = static_cast<std::size_t>(text[at] - '0');
        ASSERT_LT(stream, streams) << "at byte " << at;
        ASSERT_LT(next[stream], batches_per_stream) << "stream " << stream;
        std::string expected;
        rows::encode_rows(rows::output_format::csv, columns(), *all[stream][next[stream]], expected);
        ASSERT_EQ(text.substr(at, expected.size()), expected) << "stream " << stream << ", batch " << next[stream];
        at += expected.size();
        ++next[stream];
    }
    for (std::size_t s = 0; s < streams; ++s) EXPECT_EQ(next[s], batches_per_stream) << "stream " << s;
}

INSTANTIATE_TEST_SUITE_P(Compressions, SinkThreads,
                         ::testing::Values(codec::compression::none, codec::compression::gzip, codec::compression::zstd),
                         [](const auto& instance) {  // not `info`: gtest's macro has a parameter of that name
                             if (instance.param == codec::compression::none) return std::string("plain");
                             return std::string(codec::file_extension(instance.param).substr(1));
                         });
