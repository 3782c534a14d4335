#pragma once
// NDJSON to rows, incrementally: csv_decoder's counterpart and, like it, a record_decoder, so
// stream_decoder (and so load) reads either. Fed whatever bytes have arrived, it decodes every
// complete line into rows, normalising each value to its column's canonical text (value_text.hpp),
// and says how many bytes it used; the caller keeps the rest (a line cut by a chunk boundary) and
// feeds it again with more.
//
// One JSON object per line, LF or CRLF; lines of only whitespace are skipped (but counted).
// Values are matched to columns by key, exactly as spelled; a missing key or a null is NULL, a key
// the schema lacks is an error (unless ignored by option), a key given twice is an error. A value
// becomes its column's canonical text:
//   string          its unescaped UTF-8, read as the column's kind ("123" fills an integer);
//                   into a super column its JSON text, quotes and all
//   number          its digits exactly as written, never through a double ("1e3" is therefore not
//                   an integer or a decimal); into text columns as written
//   true / false    into boolean, text and super columns, as those words
//   object / array  its JSON text without the whitespace between tokens; super columns only
// Numbers and booleans have no meaning for the date, time and varbyte kinds and are errors there.
// Errors name the line (and, for malformed JSON, the byte within it), the column, and the value.

#include "transfer/rows/column.hpp"
#include "transfer/rows/record_decoder.hpp"
#include "transfer/rows/row_batch.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace shiftsync::transfer::rows {

struct ndjson_options {
    bool ignore_unknown_keys = false;  // skip (but still check) values whose key is not a column
};

class ndjson_decoder final : public record_decoder {
public:
    // `columns` must outlive the decoder.
    explicit ndjson_decoder(const schema& columns, ndjson_options options = {});

    // Decodes complete lines from `data` into `out` until `data` or the batch is full; returns
    // the bytes used, or nullopt on a malformed record (error() says why). With `final`, the end
    // of `data` is the end of the input: a last line without a line break counts.
    std::optional<std::size_t> decode(std::string_view data, bool final, row_batch& out) override;

    const std::string& error() const override { return error_; }
    std::uint64_t records() const override { return records_; }
    // Lines consumed so far, blank ones included; the next record starts on line lines() + 1.
    std::uint64_t lines() const override { return lines_; }

private:
    // Where a value of this line sits in values_; `line` says which line set it, so nothing has
    // to be reset between lines.
    struct slot {
        std::uint32_t begin = 0;
        std::uint32_t end = 0;
        std::uint64_t line = 0;
        bool null = false;
    };

    bool decode_line(std::string_view line, row_batch& out);
    bool decode_member(std::string_view line, std::size_t& i);
    bool add_value(std::size_t column, std::string_view line, std::size_t& i);
    bool unknown_key(std::string_view key);
    std::optional<std::size_t> column_of(std::string_view key);
    bool fail(std::string what);
    bool fail_at(std::size_t byte, const char* what);
    bool fail_value(std::size_t column, std::string_view shown, std::string_view note = {});

    const schema& columns_;
    ndjson_options options_;
    std::unordered_map<std::string_view, std::size_t> index_;  // views of columns_' names
    std::vector<slot> slots_;
    std::size_t expected_ = 0;  // the column after the last key's: keys usually come in order
    std::string values_;        // this line's values, in the order their keys came
    std::string key_;           // an unescaped key (when it had escapes)
    std::string text_;          // an unescaped string value (when it had escapes)
    std::string unknown_;       // this line's ignored keys, to notice one given twice
    std::vector<std::uint32_t> unknown_ends_;
    std::string error_;
    std::uint64_t records_ = 0;
    std::uint64_t lines_ = 0;
};

}  // namespace shiftsync::transfer::rows
