#pragma once
// The on-disk object format: data, then a metadata trailer (JSON, u32 LE length, "LAWSOBJ1").

#include "tools/localaws/s3/disk_store.hpp"

#include <optional>
#include <string>

namespace localaws::s3 {

inline constexpr std::string_view object_magic = "LAWSOBJ1";

// The trailer bytes to append after the data.
std::string encode_trailer(const stored_object& obj);

// Reads the trailer of an open object file; fills info.size with the data length.
std::optional<stored_object> read_trailer(int fd);

}  // namespace localaws::s3
