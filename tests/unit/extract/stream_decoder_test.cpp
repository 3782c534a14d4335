#include "transfer/rows/csv_decoder.hpp"
#include "transfer/rows/stream_decoder.hpp"

#include <gtest/gtest.h>

using namespace shiftsync::transfer;
using rows::stream_decoder;

namespace {
stream_decoder csv_stream(const rows::schema& cols, rows::csv_dialect dialect) {
    return stream_decoder(cols.size(), std::make_unique<rows::csv_decoder>(cols, std::move(dialect)), codec::compression::gzip);
}
}  // namespace

namespace {

rows::schema columns() { return {{"id", "int4", rows::value_kind::integer}, {"s", "varchar", rows::value_kind::text}}; }

std::string gzip(const std::string& text) {
    auto z = codec::make_compressor(codec::compression::gzip);
    std::string out;
    z->write(text, out);
    z->finish(out);
    return out;
}

std::string rows_text(std::size_t n) {
    std::string s;
    for (std::size_t i = 0; i < n; ++i) s += std::to_string(i) + ",\"value " + std::to_string(i) + "\nwith a line break\"\n";
    return s;
}

}  // namespace

TEST(StreamDecoder, DecodesAcrossChunksAndVerifiesAgainstTheManifest) {
    auto cols = columns();
    std::string file = gzip(rows_text(50000));
    for (std::size_t chunk : {1000ul, 65536ul, file.size()}) {
        auto d = csv_stream(cols, {',', std::string("NULLMARK"), false});
        stream_decoder::batches out;
        for (std::size_t at = 0; at < file.size(); at += chunk)
            ASSERT_TRUE(d.feed(std::string_view(file).substr(at, chunk), out)) << d.error();
        ASSERT_TRUE(d.finish(out)) << d.error();
        std::size_t rows = 0;
        for (auto& b : out) rows += b->rows();
        EXPECT_EQ(rows, 50000u);
        EXPECT_EQ(out.back()->value(out.back()->rows() - 1, 0), "49999");
        EXPECT_TRUE(d.verify(file.size(), 50000));
        EXPECT_FALSE(d.verify(file.size(), 49999));
        EXPECT_NE(d.error().find("49999"), std::string::npos);
        EXPECT_FALSE(d.verify(file.size() + 1, 50000));
    }
}

TEST(StreamDecoder, ATruncatedFileIsAnErrorNotAShortResult) {
    auto cols = columns();
    std::string file = gzip(rows_text(20000));
    auto d = csv_stream(cols, {});
    stream_decoder::batches out;
    ASSERT_TRUE(d.feed(std::string_view(file).substr(0, file.size() / 2), out));
    EXPECT_FALSE(d.finish(out));
    EXPECT_NE(d.error().find("truncated"), std::string::npos) << d.error();
}

TEST(StreamDecoder, ARecordLongerThanTheWindowGrowsIt) {
    auto cols = columns();
    std::string big(3 << 20, 'z');
    std::string file = gzip("1,\"" + big + "\"\n2,small\n");
    auto d = csv_stream(cols, {});
    stream_decoder::batches out;
    ASSERT_TRUE(d.feed(file, out)) << d.error();
    ASSERT_TRUE(d.finish(out)) << d.error();
    std::size_t rows = 0;
    for (auto& b : out) rows += b->rows();
    EXPECT_EQ(rows, 2u);
    EXPECT_EQ(out.front()->value(0, 1).size(), big.size());
}
