#pragma once
// COPY's input side: splits a decompressed byte stream into records and fields, the way Redshift
// reads delimited text (one line per record; backslash is literal), CSV (RFC 4180: quoted fields
// may hold delimiters, doubled quotes and line breaks) and JSON 'auto' (one object per record,
// newline-delimited or simply concatenated). Fed in chunks; emits complete records.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tools/localaws/redshift/dialect/commands.hpp"

namespace localaws::redshift::bulk {

struct input_field {
    std::string text;
    bool quoted = false;   // CSV: came in quotes (so never NULL by NULL AS / emptiness)
    bool is_null = false;  // JSON null or absent key
};

struct input_record {
    std::uint64_t line_number = 0;  // 1-based line where the record starts in its file
    std::string_view raw;           // the record's text as read (for sys_load_error_detail)
    std::vector<input_field> fields;
    std::string error;              // a record that could not be split (bad JSON, unterminated quote)
};

class record_splitter {
public:
    // columns: target column names (JSON 'auto' matches keys to them).
    record_splitter(const dialect::copy_command& cmd, std::vector<std::string> columns);

    // Feeds bytes; calls `emit` for each complete record. Returns false when emit asked to stop.
    bool feed(std::string_view data, const std::function<bool(input_record&)>& emit);
    // The same in two steps, for a decompressor that appends its output to input() itself:
    // then split() emits the records completed by what was appended.
    std::string& input() { return buffer_; }
    bool split(const std::function<bool(input_record&)>& emit);
    // End of one file: flushes a last record without a newline.
    bool finish(const std::function<bool(input_record&)>& emit);

private:
    bool split_lines(bool at_end, const std::function<bool(input_record&)>& emit);
    bool split_json(bool at_end, const std::function<bool(input_record&)>& emit);
    void fields_of_text(std::string_view line, input_record& r) const;
    void fields_of_csv(std::string_view line, input_record& r) const;
    void fields_of_json(std::string_view text, input_record& r) const;

    const dialect::copy_command& cmd_;
    std::vector<std::string> columns_;
    char delimiter_;
    std::string buffer_;
    std::size_t scanned_ = 0;  // CSV: bytes of buffer_ already scanned for a record end
    bool in_quotes_ = false;
    std::uint64_t newlines_in_quotes_ = 0;  // line breaks inside the record being scanned
    std::uint64_t line_ = 1;
    input_record record_;  // reused: its fields keep their capacity from record to record
};

}  // namespace localaws::redshift::bulk
