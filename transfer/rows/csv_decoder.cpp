#include "transfer/rows/csv_decoder.hpp"

#include "transfer/rows/value_text.hpp"

#include <algorithm>
#include <cstring>

namespace shiftsync::transfer::rows {

std::optional<csv_record> read_csv_record(std::string_view data, bool final, char delimiter, std::string& why) {
    csv_record record;
    std::size_t i = 0;
    std::string field;
    for (;;) {
        field.clear();
        if (i < data.size() && data[i] == '"') {
            for (++i;; ++i) {
                if (i >= data.size()) {
                    if (final) why = "a quoted field is not closed before the end of the input";
                    return std::nullopt;
                }
                if (data[i] == '"') {
                    if (i + 1 < data.size() && data[i + 1] == '"') {
                        field += '"';
                        ++i;
                        continue;
                    }
                    if (i + 1 == data.size() && !final) return std::nullopt;
                    ++i;
                    break;
                }
                if (data[i] == '\n') ++record.lines;
                field += data[i];
            }
        } else {
            while (i < data.size() && data[i] != delimiter && data[i] != '\n' && data[i] != '\r') field += data[i++];
        }
        record.fields.push_back(field);
        if (i == data.size()) {
            if (!final) return std::nullopt;
            record.used = i;
            ++record.lines;
            return record;
        }
        if (data[i] == delimiter) {
            ++i;
            continue;
        }
        if (data[i] == '\r') {
            if (i + 1 == data.size() && !final) return std::nullopt;
            if (i + 1 < data.size() && data[i + 1] == '\n') ++i;
        } else if (data[i] != '\n') {
            why = "unexpected character after a quoted field";
            return std::nullopt;
        }
        record.used = i + 1;
        ++record.lines;
        return record;
    }
}

csv_decoder::csv_decoder(const schema& columns, csv_dialect dialect) : columns_(columns), dialect_(std::move(dialect)) {
    header_pending_ = dialect_.header;
    stops_[static_cast<unsigned char>(dialect_.delimiter)] = true;
    stops_[static_cast<unsigned char>('\n')] = true;
    stops_[static_cast<unsigned char>('\r')] = true;
}

csv_decoder::step csv_decoder::fail(std::string what) {
    error_ = "record " + std::to_string(records_ + 1) + " (line " + std::to_string(lines_ + 1) + "): " + what;
    return step::failed;
}

bool csv_decoder::add_value(std::size_t column, std::string_view text, bool quoted, row_batch& out) {
    if (!quoted && ((dialect_.null_marker && text == *dialect_.null_marker) || (dialect_.empty_is_null && text.empty()))) {
        out.end_null();
        return true;
    }
    if (!append_canonical(columns_[column].kind, text, out.text())) return false;
    out.end_value();
    return true;
}

csv_decoder::step csv_decoder::decode_record(std::string_view data, std::size_t& pos, bool final, row_batch& out) {
    const std::size_t n = columns_.size();
    const char* p = data.data();
    const std::size_t end = data.size();
    std::size_t i = pos;
    record_lines_ = 0;
    for (std::size_t column = 0;; ++column) {
        std::string_view value;
        bool quoted = false;
        if (i < end && p[i] == '"') {
            quoted = true;
            unquoted_.clear();
            std::size_t from = i + 1;
            for (;;) {
                const void* hit = from < end ? std::memchr(p + from, '"', end - from) : nullptr;
                if (!hit) {
                    if (final) return fail("a quoted field is not closed before the end of the file");
                    return step::incomplete;
                }
                std::size_t q = static_cast<const char*>(hit) - p;
                unquoted_.append(p + from, q - from);
                if (q + 1 < end && p[q + 1] == '"') {  // "" inside quotes: one quote
                    unquoted_ += '"';
                    from = q + 2;
                    continue;
                }
                if (q + 1 == end && !final) return step::incomplete;  // may yet be followed by '"'
                i = q + 1;
                break;
            }
            record_lines_ += static_cast<std::uint64_t>(std::count(unquoted_.begin(), unquoted_.end(), '\n'));
            value = unquoted_;
        } else {
            std::size_t start = i;
            while (i < end && !stops_[static_cast<unsigned char>(p[i])]) ++i;
            value = std::string_view(p + start, i - start);
        }
        // What follows a field: the delimiter, a line end, or the end of the input.
        bool record_ends = false;
        std::size_t next = i;
        if (i == end) {
            if (!final) return step::incomplete;
            if (column == 0 && value.empty() && !quoted && i == pos) return step::incomplete;  // nothing left
            record_ends = true;
        } else if (p[i] == dialect_.delimiter) {
            next = i + 1;
        } else if (p[i] == '\n') {
            record_ends = true;
            next = i + 1;
        } else if (p[i] == '\r') {
            if (i + 1 == end && !final) return step::incomplete;
            if (i + 1 < end && p[i + 1] != '\n') return fail("a carriage return that is not part of a CRLF line end (quote the field)");
            record_ends = true;
            next = std::min(end, i + 2);
        } else {
            return fail("unexpected character after a quoted field in column " + std::to_string(column + 1));
        }
        if (column >= n)
            return fail("more fields than the " + std::to_string(n) + " columns");
        if (!add_value(column, value, quoted, out))
            return fail("column \"" + columns_[column].name + "\" (" + columns_[column].type_name + "): '" +
                        std::string(value.substr(0, 64)) + "' is not a valid " + std::string(to_string(columns_[column].kind)));
        i = next;
        if (record_ends) {
            if (column + 1 != n)
                return fail(std::to_string(column + 1) + " fields where " + std::to_string(n) + " columns were expected");
            pos = i;
            return step::record;
        }
    }
}

std::optional<std::size_t> csv_decoder::decode(std::string_view data, bool final, row_batch& out) {
    std::size_t pos = 0;
    if (header_pending_) {
        std::string why;
        auto header = read_csv_record(data, final, dialect_.delimiter, why);
        if (!header) {
            if (why.empty()) return std::size_t{0};  // the header line is not complete yet
            error_ = "line 1 (the header): " + why;
            return std::nullopt;
        }
        header_ = std::move(header->fields);
        lines_ += header->lines;
        pos = header->used;
        header_pending_ = false;
    }
    while (pos < data.size() && !out.full()) {
        std::size_t complete = out.rows();
        std::size_t at = pos;
        step s = decode_record(data, at, final, out);
        if (s != step::record) {
            out.drop_values_after(complete);
            if (s == step::failed) return std::nullopt;
            break;  // incomplete: the caller brings more bytes
        }
        pos = at;
        ++records_;
        lines_ += record_lines_ + 1;
    }
    return pos;
}

}  // namespace shiftsync::transfer::rows
