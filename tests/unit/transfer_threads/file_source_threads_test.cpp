// load's file source with its two pools: chunks read on the file pool, decompressed and decoded on
// the CPU pool, the batches taken back on the network thread. Files plain, gzip and zstd, each
// several chunks long: every record must come back once, in file order, and be located by file
// and line. make test also runs this under ThreadSanitizer (label `threads`).
#include "engine/scheduler/cpu_pool.hpp"
#include "tests/support/run_until_done.hpp"
#include "transfer/codec/compression.hpp"
#include "transfer/load/row_source.hpp"

#include <boost/asio/io_context.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace asio = boost::asio;
namespace fs = std::filesystem;
using namespace shiftsync::transfer;
using boost::system::result;
using shiftsync::engine::cpu_pool;
using shiftsync::testing::run_until_done;

namespace {

// Past the source's 1 MiB read chunk several times over, compressed or not.
constexpr std::size_t rows_per_file = 60000;

std::string csv_rows(std::size_t file) {
    std::string text = "id,note\n";
    for (std::size_t r = 0; r < rows_per_file; ++r) {
        text += std::to_string(file * rows_per_file + r) + ",";
        // Every 1,000th note holds a quoted line break: a record of two lines.
        text += r % 1000 == 999 ? "\"two\nlines\"" : "note number " + std::to_string(r) + " of file " + std::to_string(file);
        text += "\n";
    }
    return text;
}

std::string compressed(codec::compression c, const std::string& text) {
    if (c == codec::compression::none) return text;
    auto z = codec::make_compressor(c);
    std::string out;
    z->write(text, out);
    z->finish(out);
    return out;
}

struct read_back {
    std::vector<std::string> names;
    std::vector<std::string> ids;
    std::vector<std::string> notes;
    std::uint64_t rows_read = 0;
};

asio::awaitable<result<read_back>> read_everything(load::row_source& source) {
    read_back out;
    shiftsync::aws::diagnostics diag;
    auto names = co_await source.async_open(diag);
    if (!names) co_return names.error();
    out.names = *names;
    source.set_schema({{"id", "int8", rows::value_kind::integer}, {"note", "varchar", rows::value_kind::text}});
    for (;;) {
        auto next = co_await source.async_next(diag);
        if (!next) co_return next.error();
        if (!*next) break;
        const rows::row_batch& batch = **next;
        for (std::size_t r = 0; r < batch.rows(); ++r) {
            out.ids.emplace_back(batch.value(r, 0));
            out.notes.emplace_back(batch.value(r, 1));
        }
    }
    out.rows_read = source.rows_read();
    co_return out;
}

}  // namespace

TEST(FileSourceThreads, plain_gzip_and_zstd_files_come_back_whole_in_order_and_located) {
    const fs::path dir = fs::temp_directory_path() / ("file_source_threads_" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    const codec::compression kinds[] = {codec::compression::none, codec::compression::gzip, codec::compression::zstd};
    std::vector<std::string> paths;
    for (std::size_t f = 0; f < 3; ++f) {
        paths.push_back((dir / ("part-" + std::to_string(f) + ".csv" + std::string(codec::file_extension(kinds[f])))).string());
        std::ofstream(paths.back(), std::ios::binary) << compressed(kinds[f], csv_rows(f));
    }

    asio::io_context io;  // first: it outlives the pools (cpu_pool.hpp)
    cpu_pool cpu(3);
    cpu_pool files(2);
    auto source = load::make_file_source(cpu, files, paths, {});
    auto got = run_until_done(io, read_everything(*source));
    ASSERT_TRUE(got) << got.error().message();
    EXPECT_EQ(got->names, (std::vector<std::string>{"id", "note"}));
    ASSERT_EQ(got->ids.size(), 3 * rows_per_file);
    EXPECT_EQ(got->rows_read, 3 * rows_per_file);
    for (std::size_t i = 0; i < got->ids.size(); ++i) {
        ASSERT_EQ(got->ids[i], std::to_string(i)) << "record " << i + 1;
        const std::size_t r = i % rows_per_file;
        const std::string note = r % 1000 == 999 ? "two\nlines"
                                                 : "note number " + std::to_string(r) + " of file " +
                                                       std::to_string(i / rows_per_file);
        ASSERT_EQ(got->notes[i], note) << "record " << i + 1;
    }
    // Record 1 of the second file: after its header. Record 1,000 of the first file: after the
    // header and 999 one-line records; it takes two lines, so record 1,001 starts two further on.
    auto second = source->locate(rows_per_file + 1);
    ASSERT_TRUE(second);
    EXPECT_EQ(second->file, paths[1]);
    EXPECT_EQ(second->line, 2u);
    auto two_lines = source->locate(1000);
    auto after = source->locate(1001);
    ASSERT_TRUE(two_lines && after);
    EXPECT_EQ(two_lines->file, paths[0]);
    EXPECT_EQ(two_lines->line, 1001u);
    EXPECT_EQ(after->line, 1003u);
    fs::remove_all(dir);
}
