#pragma once
// The on-disk object format: data, then a metadata trailer (JSON, u32 LE length, "LAWSOBJ1"),
// and the small file helpers both stores (objects, multipart uploads) share.

#include "tools/localaws/s3/disk_store.hpp"

#include <boost/json/object.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <system_error>

namespace localaws::s3 {

inline constexpr std::string_view object_magic = "LAWSOBJ1";

// The trailer bytes to append after the data.
std::string encode_trailer(const stored_object& obj);

// Reads the trailer of an open object file; fills info.size with the data length.
std::optional<stored_object> read_trailer(int fd);

// errno as an error_code.
std::error_code last_error();

// write(2) until all of it is written (or it fails), retrying on EINTR.
std::error_code write_all(int fd, const void* data, std::size_t size);

// A small JSON description file (bucket.json, upload.json); nullopt when absent or not a JSON object.
std::optional<boost::json::object> read_json_object(const std::filesystem::path& file);

}  // namespace localaws::s3
