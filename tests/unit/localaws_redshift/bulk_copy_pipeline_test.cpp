// COPY's producer side without a database: the worker/caller pipeline (order, bounded memory,
// either side stopping, exceptions) and copy_stream (batches of whole rows in source order, load
// errors, MAXERROR, locating a row), over a directory-backed object store.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <stdexcept>
#include <thread>

#include <unistd.h>

#include "tools/localaws/redshift/bulk/codec.hpp"
#include "tools/localaws/redshift/bulk/copy_pipeline.hpp"
#include "tools/localaws/redshift/bulk/copy_stream.hpp"
#include "tools/localaws/redshift/testing/directory_object_store.hpp"

namespace bulk = localaws::redshift::bulk;
namespace dialect = localaws::redshift::dialect;

namespace {

using produce_fn = std::function<void(const std::function<bool(std::string&)>&)>;

TEST(CopyPipeline, ConsumesEveryBufferInOrderWithBoundedBuffers) {
    std::atomic<int> in_flight{0}, most{0};
    std::vector<std::string> seen;
    bulk::run_pipeline(
        {.depth = 3},
        [&](const std::function<bool(std::string&)>& deliver) {
            for (int i = 0; i < 200; ++i) {
                std::string b = std::to_string(i);
                most = std::max(most.load(), ++in_flight);
                ASSERT_TRUE(deliver(b));
                EXPECT_TRUE(b.empty()) << "deliver swaps in an empty buffer";
            }
        },
        [&](const std::string& b) {
            seen.push_back(b);
            --in_flight;
            if (seen.size() % 50 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));  // a slow consumer
            return true;
        });
    ASSERT_EQ(seen.size(), 200u);
    for (int i = 0; i < 200; ++i) EXPECT_EQ(seen[i], std::to_string(i));
    EXPECT_LE(most.load(), 3) << "never more buffers delivered and unconsumed than the depth";
}

TEST(CopyPipeline, ConsumerStopEndsTheProducer) {
    int delivered = 0, refused = 0, consumed = 0;
    bulk::run_pipeline(
        {.depth = 2},
        [&](const std::function<bool(std::string&)>& deliver) {
            for (int i = 0; i < 1000; ++i) {
                std::string b = "x";
                if (!deliver(b)) {
                    ++refused;
                    return;
                }
                ++delivered;
            }
        },
        [&](const std::string&) { return ++consumed < 3; });
    EXPECT_EQ(consumed, 3);
    EXPECT_EQ(refused, 1) << "the producer is told to stop";
    EXPECT_LT(delivered, 10);
}

TEST(CopyPipeline, ExceptionsReachTheCallerAfterTheWorkerEnded) {
    const produce_fn throws_midway = [](const std::function<bool(std::string&)>& deliver) {
        std::string b = "1";
        deliver(b);
        throw std::runtime_error("producer failed");
    };
    EXPECT_THROW(bulk::run_pipeline({}, throws_midway, [](const std::string&) { return true; }), std::runtime_error);

    std::atomic<bool> producer_done{false};
    const produce_fn endless = [&](const std::function<bool(std::string&)>& deliver) {
        for (std::string b = "x"; deliver(b); b = "x") {
        }
        producer_done = true;
    };
    EXPECT_THROW(bulk::run_pipeline({}, endless, [](const std::string&) -> bool { throw std::logic_error("consumer"); }),
                 std::logic_error);
    EXPECT_TRUE(producer_done) << "the worker was stopped and joined before the exception left";
}

// Sources in a temporary directory-backed store.
class CopyStream : public ::testing::Test {
protected:
    CopyStream() : root_(std::filesystem::temp_directory_path() / ("copy_stream_test_" + std::to_string(::getpid()))),
                   store_(root_) {
        store_.create_bucket("b");
        env_.store = &store_;
        cmd_.format = dialect::copy_format::csv;
        cmd_.compress = dialect::compression::gzip;
    }
    ~CopyStream() override { std::filesystem::remove_all(root_); }

    void put(const std::string& key, const std::string& text) {
        std::string packed;
        auto c = bulk::make_compressor(dialect::compression::gzip);
        c->write(text, packed);
        c->finish(packed);
        std::error_code ec;
        auto w = store_.create("b", key, ec);
        ASSERT_TRUE(w);
        w->write({reinterpret_cast<const std::byte*>(packed.data()), packed.size()});
        ASSERT_FALSE(w->commit());
        sources_.push_back({"b", key});
    }

    std::filesystem::path root_;
    localaws::redshift::testing::directory_object_store store_;
    bulk::environment env_;
    dialect::copy_command cmd_;
    std::vector<dialect::s3_location> sources_;
    std::vector<bulk::target_column> columns_{{"id", 23, -1, "integer", false}, {"name", 1043, 4 + 8, "character varying(8)", false}};
    bulk::excluded_rows excluded_;
};

TEST_F(CopyStream, BatchesHoldWholeRowsInSourceOrder) {
    std::string first, second, expected;
    for (int i = 0; i < 3000; ++i) {
        (i < 1500 ? first : second) += std::to_string(i) + ",n" + std::to_string(i % 1000) + "\n";
        expected += std::to_string(i) + "\tn" + std::to_string(i % 1000) + "\n";
    }
    put("part_0", first);
    put("part_1", second);
    bulk::field_converter converter(cmd_, columns_);
    bulk::copy_stream stream(cmd_, env_, sources_, converter, excluded_);
    std::string all;
    int batches = 0;
    auto error = stream.encode(0, 1000, [&](std::string& rows) {
        EXPECT_FALSE(rows.empty());
        EXPECT_EQ(rows.back(), '\n') << "a batch ends at a row's end";
        all += rows;
        ++batches;
        return true;
    });
    EXPECT_FALSE(error);
    EXPECT_EQ(all, expected);
    EXPECT_EQ(stream.rows, 3000u);
    EXPECT_GT(batches, 20);
    EXPECT_TRUE(stream.errors.empty());
}

TEST_F(CopyStream, LoadErrorsUpToMaxerrorThenStops) {
    put("part_0", "1,a\nx,b\n3,c\n");
    put("part_1", "4,d\n5,way too long\n6,f\n");
    bulk::field_converter converter(cmd_, columns_);
    bulk::copy_stream lenient(cmd_, env_, sources_, converter, excluded_);
    std::string all;
    EXPECT_FALSE(lenient.encode(2, 1 << 20, [&](std::string& rows) { return all += rows, true; }));
    EXPECT_EQ(all, "1\ta\n3\tc\n4\td\n6\tf\n");
    ASSERT_EQ(lenient.errors.size(), 2u);
    EXPECT_EQ(lenient.errors[0].file_name, "s3://b/part_0");
    EXPECT_EQ(lenient.errors[0].line_number, 2u);
    EXPECT_EQ(lenient.errors[0].error_code, 1207);
    EXPECT_EQ(lenient.errors[1].file_name, "s3://b/part_1");
    EXPECT_EQ(lenient.errors[1].line_number, 2u);
    EXPECT_EQ(lenient.errors[1].error_code, 1204);
    EXPECT_EQ(lenient.errors[1].raw_line, "5,way too long");
    EXPECT_FALSE(lenient.too_many_errors);

    bulk::copy_stream strict(cmd_, env_, sources_, converter, excluded_);
    int delivered = 0;
    strict.encode(1, 1 << 20, [&](std::string&) { return ++delivered, true; });
    EXPECT_TRUE(strict.too_many_errors);
    EXPECT_EQ(delivered, 0) << "nothing left over is delivered once MAXERROR is exceeded";
}

TEST_F(CopyStream, LocatesTheNthRowAndSkipsExcludedOnes) {
    put("part_0", "id,name\n1,a\n\n2,b\n");
    put("part_1", "id,name\n3,c\n4,d\n");
    cmd_.ignore_header = 1;
    bulk::field_converter converter(cmd_, columns_);
    auto found = bulk::copy_stream(cmd_, env_, sources_, converter, excluded_).locate(2);
    ASSERT_TRUE(found);
    EXPECT_EQ(found->file, 1u);
    EXPECT_EQ(found->line, 2u);
    EXPECT_EQ(found->raw, "3,c");
    EXPECT_FALSE(bulk::copy_stream(cmd_, env_, sources_, converter, excluded_).locate(4));

    excluded_.insert({1, 2});
    bulk::copy_stream without(cmd_, env_, sources_, converter, excluded_);
    std::string all;
    without.encode(10, 1 << 20, [&](std::string& rows) { return all += rows, true; });
    EXPECT_EQ(all, "1\ta\n2\tb\n4\td\n");
}

TEST_F(CopyStream, MissingObjectAndCorruptDataAreErrors) {
    put("part_0", "1,a\n");
    sources_.push_back({"b", "gone"});
    bulk::field_converter converter(cmd_, columns_);
    auto missing = bulk::copy_stream(cmd_, env_, sources_, converter, excluded_).encode(0, 1 << 20, [](std::string&) { return true; });
    ASSERT_TRUE(missing);
    EXPECT_NE(missing->find("NoSuchKey"), std::string::npos) << *missing;

    sources_.pop_back();
    cmd_.compress = dialect::compression::zstd;
    auto corrupt = bulk::copy_stream(cmd_, env_, sources_, converter, excluded_).encode(0, 1 << 20, [](std::string&) { return true; });
    ASSERT_TRUE(corrupt);
    EXPECT_NE(corrupt->find("Failed to decompress s3://b/part_0"), std::string::npos) << *corrupt;
}

}  // namespace
