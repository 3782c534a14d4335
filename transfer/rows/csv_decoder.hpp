#pragma once
// CSV to rows, incrementally: fed whatever bytes have arrived, it decodes every complete record,
// normalising each value to its column's canonical text (value_text.hpp), and says how many bytes
// it used; the caller keeps the rest (a record cut by a chunk boundary) and feeds it again with
// more. Used for UNLOAD's files (FORMAT CSV, NULL AS a marker unique to the run) and, by load, for
// users' CSV files (an empty unquoted field is NULL, "" an empty string).
//
// The dialect is PostgreSQL's and Redshift's CSV: fields separated by the delimiter, quoted with
// '"' when needed, quotes inside doubled, LF or CRLF ends a record, line breaks inside quotes are
// data. A record with the wrong number of fields, an unterminated quote or a value that is not of
// its column's type is an error naming the record and its first line.

#include "transfer/rows/column.hpp"
#include "transfer/rows/record_decoder.hpp"
#include "transfer/rows/row_batch.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace shiftsync::transfer::rows {

struct csv_dialect {
    char delimiter = ',';
    std::optional<std::string> null_marker;  // an unquoted field equal to it is NULL
    bool empty_is_null = false;              // an empty unquoted field is NULL
    bool header = false;                     // the first record names the columns: read, not decoded
};

// One CSV record with any number of fields (a header line): its fields and the bytes it used, or
// nullopt when `data` ends before the record does (or `why` says what is malformed).
struct csv_record {
    std::vector<std::string> fields;
    std::size_t used = 0;
    std::uint64_t lines = 0;
};
std::optional<csv_record> read_csv_record(std::string_view data, bool final, char delimiter, std::string& why);

class csv_decoder final : public record_decoder {
public:
    csv_decoder(const schema& columns, csv_dialect dialect);

    // Decodes complete records from `data` into `out` until `data` or the batch is full; returns
    // the bytes used, or nullopt on a malformed record (error() says why). With `final`, the end
    // of `data` is the end of the input: a last record without a line break counts, a cut one is
    // an error.
    std::optional<std::size_t> decode(std::string_view data, bool final, row_batch& out) override;

    const std::string& error() const override { return error_; }
    // The header's names (dialect.header), once it was read.
    const std::vector<std::string>& header() const { return header_; }
    std::uint64_t records() const override { return records_; }
    // Physical lines consumed so far (a quoted line break counts); the next record starts on
    // line lines() + 1.
    std::uint64_t lines() const override { return lines_; }

private:
    enum class step { record, incomplete, failed };
    step decode_record(std::string_view data, std::size_t& pos, bool final, row_batch& out);
    bool add_value(std::size_t column, std::string_view text, bool quoted, row_batch& out);
    step fail(std::string what);

    const schema& columns_;
    csv_dialect dialect_;
    std::array<bool, 256> stops_{};  // delimiter, CR, LF
    std::string unquoted_;           // a quoted field with its doubled quotes undone
    std::vector<std::string> header_;
    bool header_pending_ = false;
    std::string error_;
    std::uint64_t records_ = 0;
    std::uint64_t lines_ = 0;
    std::uint64_t record_lines_ = 0;  // line breaks inside the record being decoded
};

}  // namespace shiftsync::transfer::rows
