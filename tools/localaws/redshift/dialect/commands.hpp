#pragma once
// Redshift's UNLOAD and COPY, parsed. Pure data: the executors in ../bulk carry them out.

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace localaws::redshift::dialect {

struct s3_location {
    std::string bucket;
    std::string key;  // a key prefix (UNLOAD, COPY) or a manifest key (COPY … MANIFEST)
    std::string url() const { return "s3://" + bucket + "/" + key; }
};

enum class compression { none, gzip, zstd, bzip2 };
enum class unload_format { text, csv, json, parquet };

struct unload_command {
    std::string query;                 // the SELECT inside ('…'), quotes unescaped
    s3_location to;
    std::string iam_role;              // an ARN, or "default"
    unload_format format = unload_format::text;
    bool header = false;
    std::optional<std::string> delimiter;
    std::optional<std::string> null_as;
    bool add_quotes = false;
    bool escape = false;
    compression compress = compression::none;
    bool parallel = true;
    std::uint64_t max_file_size = 6'200'000'000ull;  // bytes; MAXFILESIZE, 5 MB .. 6.2 GB
    bool manifest = false;
    bool manifest_verbose = false;
    bool allow_overwrite = false;
    bool clean_path = false;
    std::optional<std::string> extension;
    std::optional<std::string> region;
};

enum class copy_format { text, csv, json_auto, json_auto_ignorecase };

struct copy_command {
    std::string table;                 // as written, possibly schema-qualified: already quoted for SQL
    std::vector<std::string> columns;  // as written; empty: every column in order
    s3_location from;
    std::string iam_role;
    copy_format format = copy_format::text;
    char quote = '"';
    std::optional<char> delimiter;     // default '|' for text, ',' for CSV
    std::uint64_t ignore_header = 0;
    compression compress = compression::none;
    bool manifest = false;
    std::optional<std::string> null_as;
    bool empty_as_null = false;
    bool blanks_as_null = false;
    bool trim_blanks = false;
    bool truncate_columns = false;
    std::optional<std::string> date_format;  // 'auto' or a format such as 'YYYY-MM-DD'
    std::optional<std::string> time_format;  // 'auto', 'epochsecs', 'epochmillisecs' or a format
    std::optional<std::string> accept_inv_chars;  // the replacement ("?" when ACCEPTINVCHARS alone)
    std::uint64_t max_error = 0;
    std::optional<std::string> region;
};

// A failed parse, worded like Redshift's ("syntax error at or near \"X\"", or a clear
// "… is not supported by localaws" for valid Redshift that this emulator does not do).
struct parse_error {
    std::string message;
};

// Is this an UNLOAD, or a COPY from S3? (The first word decides; COPY … FROM STDIN etc. is not ours.)
bool looks_like_unload(const std::string& sql);
bool looks_like_s3_copy(const std::string& sql);

std::variant<unload_command, parse_error> parse_unload(const std::string& sql);
std::variant<copy_command, parse_error> parse_copy(const std::string& sql);

// "s3://bucket/key" -> location; nullopt when not an s3:// URL with a bucket.
std::optional<s3_location> parse_s3_url(const std::string& url);

}  // namespace localaws::redshift::dialect
