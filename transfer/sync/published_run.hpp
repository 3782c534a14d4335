#pragma once
// How a sync run publishes files (a local directory or an S3 prefix): every run writes under
// `<path>/<run_id>/` (part-00000.ndjson …, each renamed or uploaded whole), then `_SUCCESS.json`
// last. A run directory without `_SUCCESS.json` is unfinished: readers skip it, and the next run
// of the stream removes it. `_SUCCESS.json` carries the cursor the run reached and its boundary
// (the rows the next run will read again and must drop), so a run that published and then died
// before the local state moved is adopted, not repeated.
//
//   {"stream": "…", "run_id": "…", "cursor_column": "…", "cursor_kind": "timestamp",
//    "cursor": "2026-12-02 10:00:00" | null, "rows": 123, "files": ["part-00000.ndjson"],
//    "boundary": [["9f86d081884c7d65", "2026-12-02 10:00:00"], …]}

#include "aws/error/aws_error.hpp"
#include "aws/s3/s3_client.hpp"
#include "transfer/sync/row_watch.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>

#include <optional>
#include <string>
#include <vector>

namespace shiftsync::transfer::sync {

inline constexpr std::string_view success_name = "_SUCCESS.json";

struct published_run {
    std::string stream;
    std::string run_id;
    std::string cursor_column;
    std::string cursor_kind;
    std::optional<std::string> cursor;
    std::uint64_t rows = 0;
    std::vector<std::string> files;
    boundary_set boundary;
};

std::string encode_published(const published_run& run);
std::optional<published_run> decode_published(std::string_view json, std::string& why);

// Local directories. `run_directory` is `<root>/<path>/<run_id>`.
bool write_published_file(const std::string& run_directory, const published_run& run, std::string& why);
// nullopt with why empty: not published (no _SUCCESS.json); with why set: unreadable.
std::optional<published_run> read_published_file(const std::string& run_directory, std::string& why);
bool remove_run_directory(const std::string& run_directory, std::string& why);
// Run directories under `stream_directory` other than `keep` (full refresh: older runs go once the new one is out).
std::vector<std::string> run_directories(const std::string& stream_directory);

// S3 prefixes. `run_prefix` ends in '/'.
boost::asio::awaitable<boost::system::result<void>> async_put_published(aws::s3::s3_client& s3, const std::string& bucket,
                                                                        const std::string& run_prefix,
                                                                        const published_run& run, aws::diagnostics& diag);
boost::asio::awaitable<boost::system::result<std::optional<published_run>>> async_get_published(
    aws::s3::s3_client& s3, const std::string& bucket, const std::string& run_prefix, aws::diagnostics& diag);

}  // namespace shiftsync::transfer::sync
