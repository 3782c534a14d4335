#pragma once
// Where a load's rows come from. A source first says what its columns are called (a CSV header,
// --columns), is then told the kind of each (the target table's types, so values are checked and
// normalised while they are read, before anything is staged), and then hands out batches of rows
// in source order.
//
// Executor: the network thread's; reads and decoding run on the pools the source was given.

#include "aws/error/aws_error.hpp"
#include "engine/scheduler/cpu_pool.hpp"
#include "transfer/rows/column.hpp"
#include "transfer/rows/row_batch.hpp"
#include "transfer/s3/transfer_context.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace shiftsync::transfer::load {

class row_source {
public:
    virtual ~row_source() = default;
    // The column names, in source order (empty: the source has none of its own, e.g. NDJSON
    // without --columns; the load then uses the target's).
    virtual boost::asio::awaitable<boost::system::result<std::vector<std::string>>> async_open(
        aws::diagnostics& diag) = 0;
    virtual void set_schema(rows::schema columns) = 0;
    // The next batch, or nullptr at the end. A malformed record fails with errc::malformed_data
    // and diag.client_note naming the file, the record and its line.
    virtual boost::asio::awaitable<boost::system::result<std::shared_ptr<rows::row_batch>>> async_next(
        aws::diagnostics& diag) = 0;
    virtual std::uint64_t rows_read() const = 0;

    // The Redshift type of each column where the source knows it (a PostgreSQL query's, a Redshift
    // extract's; valid after async_open), for --create-table and --add-columns unless
    // --column-type says otherwise. `ddl` empty: `no_ddl` says why no type holds every value, or, empty
    // too, the source has no opinion (text): the load's default.
    // An empty vector: the source has names only (CSV, NDJSON), its columns are VARCHAR.
    struct column_type {
        std::string ddl;
        std::string no_ddl;
    };
    virtual std::vector<column_type> column_types() const { return {}; }

    // Where the source's record `record` (1-based, in the order handed out) starts: its file and
    // physical line (1-based, header included), for error messages. nullopt when the source cannot
    // tell (a query, or a file whose line count did not add up).
    struct position {
        std::string file;
        std::uint64_t line = 0;
    };
    virtual std::optional<position> locate(std::uint64_t /*record*/) const { return std::nullopt; }
};

enum class source_format { csv, ndjson };

struct file_source_options {
    source_format format = source_format::csv;
    bool header = true;                 // CSV: every file starts with a header line
    std::vector<std::string> columns;   // --columns: the names (CSV without a header, NDJSON)
    char delimiter = ',';
};

// Files (each "-" is stdin) read in order: CSV (an empty unquoted field is NULL, "" an empty
// string, LF or CRLF) or NDJSON, each plain, gzip or zstd (told by its first bytes). Every CSV
// file's header must name the same columns.
std::unique_ptr<row_source> make_file_source(engine::cpu_pool& cpu, engine::cpu_pool& files,
                                             std::vector<std::string> paths, file_source_options options);

// The objects under s3://bucket/prefix (key order; names starting with '_' or '.' and manifests
// skipped, see chunk_reader.hpp), each decoded as make_file_source decodes a file.
std::unique_ptr<row_source> make_s3_source(engine::cpu_pool& cpu, s3::transfer_context& transfers, std::string bucket,
                                           std::string prefix, file_source_options options);

// A path as a user gives it: "-", a file, or a directory (its regular files, recursively, sorted by
// name; hidden files skipped). Empty with `why` set when there is nothing to read.
std::vector<std::string> source_paths(const std::string& path, std::string& why);

}  // namespace shiftsync::transfer::load
