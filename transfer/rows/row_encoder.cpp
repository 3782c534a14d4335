#include "transfer/rows/row_encoder.hpp"

#include <algorithm>
#include <array>
#include <charconv>

namespace shiftsync::transfer::rows {
namespace {

// Characters that force a CSV field into quotes.
constexpr std::array<bool, 256> csv_special = [] {
    std::array<bool, 256> t{};
    t[static_cast<unsigned char>(',')] = t[static_cast<unsigned char>('"')] = true;
    t[static_cast<unsigned char>('\n')] = t[static_cast<unsigned char>('\r')] = true;
    return t;
}();

void append_csv_field(std::string_view v, std::string& out) {
    bool quote = v.empty();
    for (unsigned char c : v) {
        if (csv_special[c]) {
            quote = true;
            break;
        }
    }
    if (!quote) {
        out.append(v);
        return;
    }
    out += '"';
    std::size_t from = 0;
    for (std::size_t i = v.find('"'); i != std::string_view::npos; i = v.find('"', i + 1)) {
        out.append(v.substr(from, i + 1 - from));
        out += '"';
        from = i + 1;
    }
    out.append(v.substr(from));
    out += '"';
}

bool is_finite_number_text(std::string_view v) {
    return !(v == "NaN" || v == "Infinity" || v == "-Infinity");
}

}  // namespace

void encode_copy_csv(const row_batch& batch, std::string_view null_marker, std::uint64_t* sequence, std::string& out,
                     std::vector<std::uint32_t>* lines_per_row) {
    const std::size_t n = batch.columns();
    char digits[24];
    for (std::size_t r = 0; r < batch.rows(); ++r) {
        const std::size_t row_start = out.size();
        for (std::size_t c = 0; c < n; ++c) {
            if (c) out += ',';
            if (batch.is_null(r, c)) {
                out.append(null_marker);
                continue;
            }
            std::string_view v = batch.value(r, c);
            if (v == null_marker) {  // (a value that happens to equal the marker stays a value)
                out += '"';
                out.append(v);
                out += '"';
            } else {
                append_csv_field(v, out);
            }
        }
        if (sequence) {
            out += ',';
            auto end = std::to_chars(digits, digits + sizeof digits, (*sequence)++).ptr;
            out.append(digits, end);
        }
        out += '\n';
        if (lines_per_row) {
            auto lines = static_cast<std::uint32_t>(std::count(out.begin() + static_cast<std::ptrdiff_t>(row_start), out.end(), '\n'));
            // Kept only once some row spans several lines: the rows before it took one each. (The
            // first such row may be the batch's first: assign(0, 1) leaves the vector empty.)
            if (!lines_per_row->empty()) {
                lines_per_row->push_back(lines);
            } else if (lines != 1) {
                lines_per_row->assign(r, 1);
                lines_per_row->push_back(lines);
            }
        }
    }
}

void append_json_string(std::string_view text, std::string& out) {
    static constexpr char hex[] = "0123456789abcdef";
    out += '"';
    std::size_t from = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        unsigned char c = static_cast<unsigned char>(text[i]);
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        out.append(text.substr(from, i - from));
        from = i + 1;
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            case '\b': out += "\\b"; break;
            case '\f': out += "\\f"; break;
            default:
                out += "\\u00";
                out += hex[c >> 4];
                out += hex[c & 15];
        }
    }
    out.append(text.substr(from));
    out += '"';
}

void encode_header(output_format format, const schema& columns, std::string& out) {
    if (format != output_format::csv) return;
    for (std::size_t c = 0; c < columns.size(); ++c) {
        if (c) out += ',';
        append_csv_field(columns[c].name, out);
    }
    out += '\n';
}

void encode_rows(output_format format, const schema& columns, const row_batch& batch, std::string& out) {
    const std::size_t n = columns.size();
    if (format == output_format::csv) {
        for (std::size_t r = 0; r < batch.rows(); ++r) {
            for (std::size_t c = 0; c < n; ++c) {
                if (c) out += ',';
                if (!batch.is_null(r, c)) append_csv_field(batch.value(r, c), out);
            }
            out += '\n';
        }
        return;
    }
    // Keys are the same on every row: quote them once.
    std::vector<std::string> keys(n);
    for (std::size_t c = 0; c < n; ++c) {
        append_json_string(columns[c].name, keys[c]);
        keys[c] += ':';
    }
    for (std::size_t r = 0; r < batch.rows(); ++r) {
        out += '{';
        for (std::size_t c = 0; c < n; ++c) {
            if (c) out += ',';
            out += keys[c];
            if (batch.is_null(r, c)) {
                out += "null";
                continue;
            }
            std::string_view v = batch.value(r, c);
            value_kind kind = columns[c].kind;
            if ((is_number(kind) && is_finite_number_text(v)) || kind == value_kind::boolean ||
                (kind == value_kind::super && !v.empty()))
                out.append(v);
            else
                append_json_string(v, out);
        }
        out += "}\n";
    }
}

}  // namespace shiftsync::transfer::rows
