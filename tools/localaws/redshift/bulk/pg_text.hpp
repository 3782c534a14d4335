#pragma once
// PostgreSQL's COPY text format, both ways: splitting and unescaping a row that COPY … TO STDOUT
// wrote, and escaping fields for COPY … FROM STDIN. (Tab-separated; "\N" is NULL; backslash escapes.)

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace localaws::redshift::bulk {

// Splits a text-format row (without its newline) into fields; nullopt stands for NULL.
void split_pg_text_row(std::string_view row, std::vector<std::optional<std::string>>& fields);

// Appends one field in text format (NULL as \N).
void append_pg_text_field(std::string& out, const std::optional<std::string_view>& value);

}  // namespace localaws::redshift::bulk
