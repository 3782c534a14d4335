#pragma once
// Encode and stage while reading: rows become Redshift-COPY-safe gzip CSV (rows/row_encoder's
// encode_copy_csv, a NULL marker unique to the run, a sequence number per row in source order),
// spread over 4 files at a time (a "generation", so the file count is a multiple of 4 and
// Redshift's slices share the work), compressed on the CPU pool (ISA-L igzip, level 1; the four
// files compress in parallel) and uploaded as whole objects (one PutObject each, with its CRC32C)
// as soon as their generation is full, while the next one fills. Then a manifest listing exactly
// those files, each `mandatory: true`, so a COPY that cannot read one fails instead of loading
// fewer rows.
//
// Memory: at most two generations are held (one filling, one uploading): 8 × file_target bytes of
// compressed data, plus the batches being encoded.
// Whole objects only: no multipart upload, so no cleanup ever depends on s3:AbortMultipartUpload.
//
// Executor: the transfer context's; calls in sequence (async_add, …, async_finish).

#include "engine/scheduler/async_limiter.hpp"
#include "engine/scheduler/task_group.hpp"
#include "transfer/codec/compression.hpp"
#include "transfer/rows/row_batch.hpp"
#include "transfer/s3/fan_out.hpp"
#include "transfer/s3/transfer_context.hpp"

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace shiftsync::transfer::load {

// The batches a staged file holds, in order: enough to say which source record a line of the file
// is (COPY's errors name the staged file and line).
struct batch_span {
    std::uint64_t first_record = 0;            // the batch's first row, counted in source order from 1
    std::uint64_t rows = 0;
    std::uint64_t lines = 0;                   // physical lines (a quoted line break adds one)
    std::vector<std::uint32_t> lines_per_row;  // only when some row spans several lines
};

struct staged_object {
    std::string key;
    std::uint64_t bytes = 0;
    std::uint64_t rows = 0;
    std::vector<batch_span> spans;
};

// The source record (from 1) on `line` (from 1) of a staged file; nullopt past its end.
std::optional<std::uint64_t> source_record_at(const staged_object& file, std::uint64_t line);

class stager {
public:
    static constexpr std::size_t files_per_generation = 4;

    // `with_sequence`: each row ends with its number in source order (upsert's "last wins").
    stager(s3::transfer_context& ctx, std::string bucket, std::string prefix, std::string null_marker,
           std::uint64_t file_target, bool with_sequence);
    ~stager();

    boost::asio::awaitable<boost::system::result<void>> async_add(std::shared_ptr<rows::row_batch> batch,
                                                                 aws::diagnostics& diag);
    // Uploads what is left and the manifest; returns the manifest's s3:// URL ("" when no row was
    // staged: there is nothing to COPY).
    boost::asio::awaitable<boost::system::result<std::string>> async_finish(aws::diagnostics& diag);
    // Waits for encodes and uploads in flight (after a failure or cancellation), so nothing is still
    // writing into the prefix when the run's cleanup starts.
    boost::asio::awaitable<void> async_stop();

    const std::vector<staged_object>& files() const { return files_; }
    // The longest value of each column, in bytes, and the source record it is in (for widening
    // VARCHARs before COPY, and for naming a value too long for any).
    struct longest {
        std::uint64_t bytes = 0;
        std::uint64_t record = 0;
    };
    const std::vector<longest>& longest_values() const { return longest_; }
    std::uint64_t rows() const { return rows_; }
    std::uint64_t bytes() const { return bytes_; }

private:
    struct slot {
        std::unique_ptr<codec::compressor> compressor;
        std::shared_ptr<std::string> data = std::make_shared<std::string>();
        std::uint64_t rows = 0;
        std::vector<batch_span> spans;
        std::unique_ptr<engine::async_limiter> turn;  // one encode at a time per file, in order
    };
    void start_generation(boost::asio::any_io_executor executor);
    boost::asio::awaitable<void> encode_into(std::size_t index, std::shared_ptr<rows::row_batch> batch,
                                             std::uint64_t first_sequence);
    boost::asio::awaitable<boost::system::result<void>> close_generation(aws::diagnostics& diag);
    boost::asio::awaitable<void> upload(std::size_t file, std::shared_ptr<std::string> data);
    std::string key_of(std::size_t file) const;

    s3::transfer_context& ctx_;
    std::string bucket_;
    std::string prefix_;
    std::string null_marker_;
    std::uint64_t file_target_;
    bool with_sequence_;
    std::array<slot, files_per_generation> generation_;
    std::uint64_t generation_bytes_ = 0;
    std::size_t next_slot_ = 0;
    std::uint64_t next_sequence_ = 1;
    std::unique_ptr<engine::task_group> encodes_;
    std::unique_ptr<engine::task_group> uploads_;
    s3::fan_out_failure failure_;
    std::vector<longest> longest_;
    std::vector<staged_object> files_;
    std::uint64_t rows_ = 0;
    std::uint64_t bytes_ = 0;
    bool generation_open_ = false;
};

// The manifest COPY … MANIFEST reads: every file `mandatory`, with its content_length.
std::string manifest_json(const std::string& bucket, const std::vector<staged_object>& files);

}  // namespace shiftsync::transfer::load
