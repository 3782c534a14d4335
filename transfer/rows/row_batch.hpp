#pragma once
// A batch of rows in one buffer: every value's canonical text back to back, an end offset per
// value and a NULL flag per value. Decoders append straight into it (no string per field), the
// encoders read it by (row, column). A batch is the unit handed between threads: a decoder fills
// one on a pool thread, the sink encodes and writes it, then it can be reused (clear keeps the
// capacity).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace shiftsync::transfer::rows {

class row_batch {
public:
    explicit row_batch(std::size_t columns = 0) : columns_(columns) {}

    std::size_t columns() const { return columns_; }
    std::size_t rows() const { return columns_ == 0 ? 0 : ends_.size() / columns_; }
    std::size_t bytes() const { return data_.size() + ends_.size() * (sizeof(std::uint32_t) + 1); }
    bool empty() const { return ends_.empty(); }

    bool is_null(std::size_t row, std::size_t column) const { return nulls_[row * columns_ + column] != 0; }
    std::string_view value(std::size_t row, std::size_t column) const {
        std::size_t i = row * columns_ + column;
        std::uint32_t begin = i == 0 ? 0 : ends_[i - 1];
        return std::string_view(data_).substr(begin, ends_[i] - begin);
    }

    // Appending, one value at a time in column order: write the text into text() (append only),
    // then end_value(); or end_null() for a NULL.
    std::string& text() { return data_; }
    void end_value() {
        ends_.push_back(static_cast<std::uint32_t>(data_.size()));
        nulls_.push_back(0);
    }
    void end_null() {
        ends_.push_back(static_cast<std::uint32_t>(data_.size()));
        nulls_.push_back(1);
    }
    void add_value(std::string_view v) {
        data_.append(v);
        end_value();
    }
    // Drops a partly appended row (a decoder that found the record malformed).
    void drop_values_after(std::size_t complete_rows) {
        std::size_t keep = complete_rows * columns_;
        if (ends_.size() <= keep) return;
        data_.resize(keep == 0 ? 0 : ends_[keep - 1]);
        ends_.resize(keep);
        nulls_.resize(keep);
    }

    void clear() {
        data_.clear();
        ends_.clear();
        nulls_.clear();
    }
    void reset(std::size_t columns) {
        clear();
        columns_ = columns;
    }

    // A batch this large is handed on (a decoder starts the next one); keeps a batch's offsets
    // within 32 bits and its memory predictable.
    static constexpr std::size_t target_bytes = 1 << 20;
    bool full() const { return data_.size() >= target_bytes; }

private:
    std::size_t columns_;
    std::string data_;
    std::vector<std::uint32_t> ends_;
    std::vector<std::uint8_t> nulls_;
};

}  // namespace shiftsync::transfer::rows
