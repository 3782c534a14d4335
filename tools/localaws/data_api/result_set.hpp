#pragma once
// A statement's result, kept compactly after the statement ends (rows as text in one buffer), and
// turned into the Data API's shapes on demand: typed Field unions page by page, written as JSON
// text (GetStatementResult), or CSV (GetStatementResultV2). Immutable once built, so any number of
// threads may read it at once.

#include <boost/json/array.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace localaws::data_api {

struct column_info {
    std::string name;
    unsigned type_oid = 0;
    int type_modifier = -1;
    std::string type_name;      // Redshift's short name: int4, varchar, numeric, timestamp, super, …
    std::string schema_name;    // of the source table, when the column comes straight from one
    std::string table_name;
    int nullable = 1;           // 0 not null, 1 nullable, 2 unknown (JDBC's convention, as Redshift)
};

class result_set {
public:
    void set_columns(std::vector<column_info> columns) { columns_ = std::move(columns); }
    std::vector<column_info>& columns() { return columns_; }
    const std::vector<column_info>& columns() const { return columns_; }

    // Appends one value of the current row (call columns().size() times per row, then end_row()).
    void add_value(std::string_view text) {
        data_.append(text);
        ends_.push_back(data_.size());
        nulls_.push_back(false);
    }
    void add_null() {
        ends_.push_back(data_.size());
        nulls_.push_back(true);
    }
    void end_row() { ++rows_; }
    void clear_rows();

    std::uint64_t row_count() const { return rows_; }
    std::uint64_t byte_size() const { return data_.size(); }

    bool is_null(std::uint64_t row, std::size_t column) const { return nulls_[index(row, column)]; }
    std::string_view value(std::uint64_t row, std::size_t column) const;

    // ColumnMetadata as the Data API returns it.
    boost::json::array column_metadata() const;
    // Appends Records[first_row, …) as a JSON array of arrays of Field unions, until about
    // `page_bytes` of JSON; returns the row after the page. Written as text, not boost::json values:
    // a value per field made a 1 MB page cost ~40 ms.
    std::uint64_t write_records(std::uint64_t first_row, std::size_t page_bytes, std::string& out) const;
    // CSV lines (RFC 4180 quoting) for rows [first_row, …) until about page_bytes; with a header line
    // first when first_row is 0. Returns the row after the page.
    std::uint64_t csv(std::uint64_t first_row, std::size_t page_bytes, std::string& out) const;

private:
    std::size_t index(std::uint64_t row, std::size_t column) const { return row * columns_.size() + column; }
    void write_field(std::uint64_t row, std::size_t column, std::string& out) const;

    std::vector<column_info> columns_;
    std::string data_;
    std::vector<std::uint64_t> ends_;
    std::vector<bool> nulls_;
    std::uint64_t rows_ = 0;
};

}  // namespace localaws::data_api
