// make_file_source and make_s3_source (row_source.hpp): streams read in chunks by a
// chunk_reader (files on the file pool, S3 objects by ranged GETs), each chunk decompressed and
// decoded on the CPU pool (rows/stream_decoder), batches handed out in order. One decoding loop
// for both: only where the bytes come from differs.

#include "transfer/load/chunk_reader.hpp"
#include "transfer/load/row_source.hpp"
#include "transfer/load/type_inference.hpp"

#include "transfer/codec/compression.hpp"
#include "transfer/rows/csv_decoder.hpp"
#include "transfer/rows/stream_decoder.hpp"
#include "transfer/s3/transfer_error.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>
#include <fcntl.h>
#include <filesystem>
#include <unistd.h>

namespace shiftsync::transfer::load {

namespace asio = boost::asio;
namespace fs = std::filesystem;
using boost::system::result;

std::vector<std::string> source_paths(const std::string& path, std::string& why) {
    if (path == "-") return {path};
    std::error_code ec;
    auto status = fs::status(path, ec);
    if (ec || !fs::exists(status)) {
        why = path + " does not exist";
        return {};
    }
    if (!fs::is_directory(status)) return {path};
    std::vector<std::string> files;
    for (auto it = fs::recursive_directory_iterator(path, fs::directory_options::skip_permission_denied, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        std::string name = it->path().filename().string();
        if (!name.empty() && name[0] == '.') {
            if (it->is_directory()) it.disable_recursion_pending();
            continue;
        }
        if (it->is_regular_file()) files.push_back(it->path().string());
    }
    std::sort(files.begin(), files.end());
    if (files.empty()) why = "the directory " + path + " holds no files";
    return files;
}

// ndjson_records.cpp: the NDJSON record decoder behind this source.
std::unique_ptr<rows::record_decoder> make_ndjson_decoder(const rows::schema& columns);

namespace {

constexpr std::size_t chunk_size = 1 << 20;

codec::compression sniff(std::string_view head) {
    if (head.size() >= 2 && static_cast<unsigned char>(head[0]) == 0x1f && static_cast<unsigned char>(head[1]) == 0x8b)
        return codec::compression::gzip;
    if (head.size() >= 4 && head.substr(0, 4) == std::string_view("\x28\xb5\x2f\xfd", 4)) return codec::compression::zstd;
    return codec::compression::none;
}

struct chunk {
    std::string bytes;
    int error = 0;
};

// Blocking: for the file pool.
chunk read_chunk(int fd) {
    chunk out;
    out.bytes.resize(chunk_size);
    std::size_t filled = 0;
    while (filled < chunk_size) {
        ssize_t n = ::read(fd, out.bytes.data() + filled, chunk_size - filled);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            out.error = errno;
            break;
        }
        if (n == 0) break;
        filled += static_cast<std::size_t>(n);
    }
    out.bytes.resize(filled);
    return out;
}

// Local files ("-" is stdin), read on the file pool.
class file_reader final : public chunk_reader {
public:
    file_reader(engine::cpu_pool& files, std::vector<std::string> paths) : files_(files), paths_(std::move(paths)) {}
    ~file_reader() override { close(); }

    asio::awaitable<result<void>> async_list(aws::diagnostics&) override { co_return result<void>{}; }
    std::size_t count() const override { return paths_.size(); }
    const std::string& name(std::size_t index) const override { return paths_[index]; }

    result<void> open(std::size_t index, aws::diagnostics& diag) override {
        close();
        index_ = index;
        const std::string& path = paths_[index];
        if (path == "-") {
            fd_ = 0;
            return {};
        }
        fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd_ < 0) {
            int e = errno;
            diag.client_note = "cannot read " + path + ": " + std::strerror(e);
            return make_error_code(errc::source_missing);
        }
        return {};
    }

    asio::awaitable<result<std::string>> async_read(aws::diagnostics& diag) override {
        int fd = fd_;
        auto job = [fd]() { return read_chunk(fd); };
        chunk got = co_await files_.async_run(std::move(job));
        if (got.error) {
            diag.client_note = "reading " + paths_[index_] + " failed: " + std::strerror(got.error);
            co_return make_error_code(errc::io_error);
        }
        co_return std::move(got.bytes);
    }

    void close() override {
        if (fd_ > 0) ::close(fd_);
        fd_ = -1;
    }

private:
    engine::cpu_pool& files_;
    std::vector<std::string> paths_;
    std::size_t index_ = 0;
    int fd_ = -1;
};

class file_source final : public row_source {
public:
    file_source(engine::cpu_pool& cpu, std::unique_ptr<chunk_reader> reader, file_source_options options)
        : cpu_(cpu), reader_(std::move(reader)), options_(std::move(options)) {}
    ~file_source() override { close_file(); }

    asio::awaitable<result<std::vector<std::string>>> async_open(aws::diagnostics& diag) override {
        auto listed = co_await reader_->async_list(diag);
        if (!listed) co_return listed.error();
        if (options_.format == source_format::ndjson || !options_.header) co_return options_.columns;
        // The first file's header: read (and keep) chunks until its first record is complete.
        auto opened = open_file(0, diag);
        if (!opened) co_return opened.error();
        // The chunks read here are kept and decoded again from the start; a throwaway decompressor
        // turns them into text for the header and the sample.
        std::unique_ptr<codec::decompressor> probe;
        std::string text;
        bool at_end = false;
        auto read_more = [&]() -> asio::awaitable<result<void>> {
            auto more = co_await next_chunk(diag);
            if (!more) co_return more.error();
            at_end = more->empty();
            if (at_end) co_return result<void>{};
            if (!probe) probe = codec::make_decompressor(sniff(*more));
            std::string_view in = *more;
            std::string out(4 * chunk_size, '\0');
            while (!in.empty()) {
                auto n = probe->decompress(in, std::span<char>(out.data(), out.size()));
                if (!n || *n == 0) break;
                text.append(out.data(), *n);
            }
            prefetched_.push_back(std::move(*more));
            co_return result<void>{};
        };
        std::optional<rows::csv_record> header;
        for (;;) {
            auto read = co_await read_more();
            if (!read) co_return read.error();
            std::string why;
            header = rows::read_csv_record(text, at_end, options_.delimiter, why);
            if (header) break;
            if (!why.empty() || at_end || text.size() > (64u << 20)) {
                diag.client_note = reader_->name(0) + ": no header line" + (why.empty() ? "" : " (" + why + ")");
                co_return make_error_code(errc::malformed_data);
            }
        }
        names_ = header->fields;
        // A sample of the first records, for --create-table's types (type_inference.hpp).
        type_sampler sampler(names_.size());
        std::size_t pos = header->used, sampled = 0;
        while (sampled < sample_records) {
            std::string why;
            auto record = rows::read_csv_record(std::string_view(text).substr(pos), at_end, options_.delimiter, why);
            if (record) {
                for (std::size_t c = 0; c < record->fields.size(); ++c) sampler.add(c, record->fields[c]);
                pos += record->used;
                ++sampled;
                continue;
            }
            if (!why.empty() || at_end || text.size() >= sample_bytes) break;
            auto read = co_await read_more();
            if (!read) co_return read.error();
        }
        for (std::size_t c = 0; c < names_.size(); ++c) inferred_.push_back(column_type{sampler.ddl(c), {}});
        co_return names_;
    }

    std::vector<column_type> column_types() const override { return inferred_; }

    void set_schema(rows::schema columns) override { schema_ = std::move(columns); }

    asio::awaitable<result<std::shared_ptr<rows::row_batch>>> async_next(aws::diagnostics& diag) override {
        for (;;) {
            if (!ready_.empty()) {
                auto batch = std::move(ready_.front());
                ready_.pop_front();
                rows_ += batch->rows();
                co_return batch;
            }
            if (file_index_ >= reader_->count()) co_return std::shared_ptr<rows::row_batch>();
            if (!file_open_) {
                auto opened = open_file(file_index_, diag);
                if (!opened) co_return opened.error();
            }
            std::string bytes;
            if (!prefetched_.empty()) {
                bytes = std::move(prefetched_.front());
                prefetched_.pop_front();
            } else {
                auto more = co_await next_chunk(diag);
                if (!more) co_return more.error();
                bytes = std::move(*more);
            }
            if (!decoder_) start_decoder(bytes);
            auto step = co_await decode(std::move(bytes));
            if (!step) {
                diag.client_note = reader_->name(file_index_) + ": " + decoder_->error();
                co_return step.error();
            }
            if (ended_) {
                if (auto wrong = check_header(diag)) co_return wrong;
                close_file();
                decoder_.reset();
                ++file_index_;
            }
        }
    }

    std::uint64_t rows_read() const override { return rows_; }

    std::optional<position> locate(std::uint64_t record) const override {
        for (const auto& f : files_) {
            if (record < f.first_record || record >= f.first_record + f.rows) continue;
            if (!f.exact) return std::nullopt;
            std::uint64_t line = f.lead_lines + 1;
            std::uint64_t at = f.first_record;
            for (const auto& span : f.spans) {
                if (record >= at + span.rows) {
                    at += span.rows;
                    line += span.lines;
                    continue;
                }
                if (span.lines_per_row.empty()) return position{f.name, line + (record - at)};
                for (std::uint64_t r = at; r < record; ++r) line += span.lines_per_row[r - at];
                return position{f.name, line};
            }
        }
        return std::nullopt;
    }

private:
    // The physical lines a batch's rows took: 1 per row plus each line break inside a value (a
    // quoted CSV field keeps its line breaks; CRLF counts once, as its '\n').
    struct line_span {
        std::uint64_t rows = 0;
        std::uint64_t lines = 0;
        std::vector<std::uint32_t> lines_per_row;  // only when some row spans several lines
    };
    struct file_map {
        std::string name;
        std::uint64_t first_record = 1;
        std::uint64_t rows = 0;
        std::uint64_t lead_lines = 0;  // the header's
        bool exact = true;
        std::size_t index = 0;
        std::vector<line_span> spans;
    };

    static line_span span_of(rows::row_batch& b) {
        line_span span{b.rows(), b.rows(), {}};
        const std::string& text = b.text();
        const auto breaks = static_cast<std::uint64_t>(std::count(text.begin(), text.end(), '\n'));
        if (breaks == 0) return span;
        span.lines += breaks;
        span.lines_per_row.assign(b.rows(), 1);
        for (std::size_t r = 0; r < b.rows(); ++r)
            for (std::size_t c = 0; c < b.columns(); ++c) {
                auto v = b.value(r, c);
                span.lines_per_row[r] += static_cast<std::uint32_t>(std::count(v.begin(), v.end(), '\n'));
            }
        return span;
    }

    void record_spans(std::vector<line_span> spans) {
        if (files_.empty() || files_.back().index != file_index_) {
            file_map f;
            f.name = reader_->name(file_index_);
            f.first_record = decoded_rows_ + 1;
            f.index = file_index_;
            files_.push_back(std::move(f));
        }
        auto& f = files_.back();
        for (auto& span : spans) {
            decoded_rows_ += span.rows;
            f.rows += span.rows;
            f.spans.push_back(std::move(span));
        }
    }

    // At the file's end: the decoder's own line count says how many lines came before the first
    // record (the header), or that the spans do not add up (blank NDJSON lines): then no positions.
    void finish_file_map(std::uint64_t decoder_lines) {
        if (files_.empty() || files_.back().index != file_index_) record_spans({});
        auto& f = files_.back();
        std::uint64_t counted = 0;
        for (const auto& span : f.spans) counted += span.lines;
        const bool csv_header = options_.format == source_format::csv && options_.header;
        if (decoder_lines < counted || (!csv_header && decoder_lines != counted)) f.exact = false;
        else f.lead_lines = decoder_lines - counted;
    }

    result<void> open_file(std::size_t index, aws::diagnostics& diag) {
        close_file();
        ended_ = false;
        auto opened = reader_->open(index, diag);
        if (!opened) return opened.error();
        file_open_ = true;
        return {};
    }

    void close_file() {
        if (file_open_) reader_->close();
        file_open_ = false;
    }

    asio::awaitable<result<std::string>> next_chunk(aws::diagnostics& diag) {
        co_return co_await reader_->async_read(diag);
    }

    void start_decoder(std::string_view first_bytes) {
        std::unique_ptr<rows::record_decoder> records;
        if (options_.format == source_format::csv) {
            rows::csv_dialect dialect{options_.delimiter, std::nullopt, true, options_.header};
            auto csv = std::make_unique<rows::csv_decoder>(schema_, dialect);
            csv_ = csv.get();
            records = std::move(csv);
        } else {
            records = make_ndjson(schema_);
            csv_ = nullptr;
        }
        decoder_ = std::make_shared<rows::stream_decoder>(schema_.size(), std::move(records), sniff(first_bytes));
    }

    // Feeds one chunk (an empty one ends the file); the batches it filled join ready_.
    asio::awaitable<result<void>> decode(std::string bytes) {
        struct step {
            bool ok = false;
            bool ended = false;
            rows::stream_decoder::batches batches;
            std::vector<line_span> spans;  // one per batch
            std::uint64_t decoder_lines = 0;
        };
        auto decoder = decoder_;
        auto job = [decoder, bytes = std::move(bytes)]() {
            step out;
            out.ended = bytes.empty();
            out.ok = out.ended ? decoder->finish(out.batches) : decoder->feed(bytes, out.batches);
            for (const auto& b : out.batches) out.spans.push_back(span_of(*b));
            out.decoder_lines = decoder->lines();
            return out;
        };
        step done = co_await cpu_.async_run(std::move(job));
        record_spans(std::move(done.spans));
        for (auto& b : done.batches) ready_.push_back(std::move(b));
        if (!done.ok) co_return make_error_code(errc::malformed_data);
        ended_ = done.ended;
        if (ended_) finish_file_map(done.decoder_lines);
        co_return result<void>{};
    }

    boost::system::error_code check_header(aws::diagnostics& diag) {
        if (!csv_ || !options_.header) return {};
        if (csv_->header() == names_) return {};
        diag.client_note = reader_->name(file_index_) + ": its header names other columns than " + reader_->name(0) + "'s";
        return make_error_code(errc::malformed_data);
    }

    static std::unique_ptr<rows::record_decoder> make_ndjson(const rows::schema& columns);

    engine::cpu_pool& cpu_;
    std::unique_ptr<chunk_reader> reader_;
    file_source_options options_;
    std::vector<std::string> names_;
    rows::schema schema_;
    std::size_t file_index_ = 0;
    bool file_open_ = false;
    bool ended_ = false;
    std::deque<std::string> prefetched_;  // chunks read for the header, decoded again from the start
    std::shared_ptr<rows::stream_decoder> decoder_;
    rows::csv_decoder* csv_ = nullptr;
    std::deque<std::shared_ptr<rows::row_batch>> ready_;
    std::vector<column_type> inferred_;  // CSV with a header: types from a sample
    static constexpr std::size_t sample_records = 1000;
    static constexpr std::size_t sample_bytes = 4u << 20;
    std::vector<file_map> files_;  // per file read: its records and their lines, for locate()
    std::uint64_t decoded_rows_ = 0;
    std::uint64_t rows_ = 0;
};

std::unique_ptr<rows::record_decoder> file_source::make_ndjson(const rows::schema& columns) {
    return make_ndjson_decoder(columns);
}

}  // namespace

std::unique_ptr<row_source> make_file_source(engine::cpu_pool& cpu, engine::cpu_pool& files,
                                             std::vector<std::string> paths, file_source_options options) {
    auto reader = std::make_unique<file_reader>(files, std::move(paths));
    return std::make_unique<file_source>(cpu, std::move(reader), std::move(options));
}

std::unique_ptr<row_source> make_s3_source(engine::cpu_pool& cpu, s3::transfer_context& transfers, std::string bucket,
                                           std::string prefix, file_source_options options) {
    auto reader = make_s3_prefix_reader(transfers, std::move(bucket), std::move(prefix));
    return std::make_unique<file_source>(cpu, std::move(reader), std::move(options));
}

}  // namespace shiftsync::transfer::load
