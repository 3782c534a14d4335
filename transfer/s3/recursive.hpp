#pragma once
// Many objects: a directory tree to a prefix, and a prefix to a directory tree. Files are found
// and keys listed while earlier ones transfer (a task group bounded by objects_in_flight, so
// listing waits for free slots: never a list of every key in memory first). One object's failure
// is reported through `report` and counted; the others go on; the call then fails with
// errc::some_failed.
//
// Keys: a file's path relative to the directory, with '/' separators, under `prefix` (a '/' is
// added to a non-empty prefix without one). Downloads refuse keys that would leave the directory
// ("..", absolute) and skip "folder/" marker objects (creating the folder).

#include "transfer/s3/download.hpp"
#include "transfer/s3/upload.hpp"

#include <functional>

namespace shiftsync::transfer::s3 {

using failure_report = std::function<void(const std::string& what, const boost::system::error_code& ec,
                                          const aws::diagnostics& diag)>;

boost::asio::awaitable<boost::system::result<void>> async_upload_directory(transfer_context& ctx, std::string directory,
                                                                          std::string bucket, std::string prefix,
                                                                          upload_options options, failure_report report);

boost::asio::awaitable<boost::system::result<void>> async_download_prefix(transfer_context& ctx, std::string bucket,
                                                                         std::string prefix, std::string directory,
                                                                         failure_report report);

// "a/b" -> "a/b/"; "" stays "".
std::string as_prefix(std::string prefix);

// The path under `directory` a key maps to, or nullopt for a key that would leave it.
std::optional<std::string> local_path_for(const std::string& directory, const std::string& relative_key);

}  // namespace shiftsync::transfer::s3
