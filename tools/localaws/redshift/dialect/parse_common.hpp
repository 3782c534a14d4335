#pragma once
// Pieces both UNLOAD and COPY parse the same way: the authorization clause and compression words.

#include <cstdint>
#include <optional>
#include <string>

#include "tools/localaws/redshift/dialect/commands.hpp"
#include "tools/localaws/redshift/dialect/token_cursor.hpp"

namespace localaws::redshift::dialect {

// IAM_ROLE { default | 'arn…' }, or CREDENTIALS 'aws_iam_role=arn…'. Returns true when the
// cursor was on an authorization clause; `error` is set when it was malformed or unsupported.
bool parse_authorization(token_cursor& c, std::string& iam_role, std::string& error);

// GZIP / ZSTD / BZIP2 (LZOP: unsupported). True when consumed.
bool parse_compression(token_cursor& c, compression& out, std::string& error);

// A single-character option value such as DELIMITER '|' (escapes like '\t' accepted).
std::optional<char> single_char(const std::string& text);

// A number token's text as a whole count (IGNOREHEADER, MAXERROR): nullopt when it has a
// fraction or does not fit in 64 bits (std::stoull would throw, and the statement worker has no
// handler for that: one COPY would end localaws).
std::optional<std::uint64_t> whole_number(const std::string& text);

}  // namespace localaws::redshift::dialect
