#include "transfer/rows/ndjson_decoder.hpp"

#include "transfer/rows/json_scan.hpp"
#include "transfer/rows/value_text.hpp"

#include <simdjson.h>

#include <cstring>

namespace shiftsync::transfer::rows {
namespace {

// At most 64 bytes of a value for an error message, not cutting a UTF-8 character in two.
std::string_view excerpt(std::string_view v) {
    if (v.size() <= 64) return v;
    std::size_t n = 64;
    while (n > 0 && (static_cast<unsigned char>(v[n]) & 0xC0) == 0x80) --n;
    return v.substr(0, n);
}

std::string quoted(std::string_view v) {
    std::string q = "\"";
    q += excerpt(v);
    q += v.size() > 64 ? "...\"" : "\"";
    return q;
}

// The kinds a JSON number means something for; a date or a varbyte given as a number is far more
// likely a wrong column than a value (append_canonical would pass the digits through).
bool takes_number(value_kind k) {
    return is_number(k) || k == value_kind::boolean || k == value_kind::text || k == value_kind::super;
}

bool takes_boolean(value_kind k) {
    return k == value_kind::boolean || k == value_kind::text || k == value_kind::super;
}

}  // namespace

ndjson_decoder::ndjson_decoder(const schema& columns, ndjson_options options)
    : columns_(columns), options_(options), slots_(columns.size()) {
    index_.reserve(columns_.size());
    for (std::size_t c = 0; c < columns_.size(); ++c) index_.emplace(columns_[c].name, c);
}

bool ndjson_decoder::fail(std::string what) {
    error_ = "line " + std::to_string(lines_ + 1) + ": " + what;
    return false;
}

bool ndjson_decoder::fail_at(std::size_t byte, const char* what) {
    error_ = "line " + std::to_string(lines_ + 1) + ", byte " + std::to_string(byte + 1) + ": " + what;
    return false;
}

bool ndjson_decoder::fail_value(std::size_t column, std::string_view shown, std::string_view note) {
    const rows::column& col = columns_[column];
    return fail("column \"" + col.name + "\" (" + col.type_name + "): " + std::string(shown) + " is not a valid " +
                std::string(to_string(col.kind)) + std::string(note));
}

std::optional<std::size_t> ndjson_decoder::column_of(std::string_view key) {
    if (expected_ < columns_.size() && columns_[expected_].name == key) return expected_++;
    auto it = index_.find(key);
    if (it == index_.end()) return std::nullopt;
    expected_ = it->second + 1;
    return it->second;
}

bool ndjson_decoder::unknown_key(std::string_view key) {
    std::uint32_t begin = 0;
    for (std::uint32_t end : unknown_ends_) {
        if (std::string_view(unknown_).substr(begin, end - begin) == key) return fail("key " + quoted(key) + " appears twice");
        begin = end;
    }
    unknown_.append(key);
    unknown_ends_.push_back(static_cast<std::uint32_t>(unknown_.size()));
    return true;
}

bool ndjson_decoder::add_value(std::size_t column, std::string_view line, std::size_t& i) {
    slot& s = slots_[column];
    s.line = lines_ + 1;
    s.null = false;
    s.begin = static_cast<std::uint32_t>(values_.size());
    const value_kind kind = columns_[column].kind;
    const std::size_t start = i;
    const char first = i < line.size() ? line[i] : '\0';
    if (first == '"') {
        std::string_view text;
        if (const char* e = json::scan_string(line, i, &text_, text)) return fail_at(i, e);
        // A super column holds JSON text: a JSON string stays one, escapes and all.
        if (kind == value_kind::super) values_.append(line.substr(start, i - start));
        else if (!append_canonical(kind, text, values_)) return fail_value(column, quoted(text));
    } else if (first == '-' || (first >= '0' && first <= '9')) {
        if (const char* e = json::scan_number(line, i)) return fail_at(i, e);
        std::string_view digits = line.substr(start, i - start);
        if (!takes_number(kind) || !append_canonical(kind, digits, values_))
            return fail_value(column, "the number " + std::string(excerpt(digits)));
    } else if (first == 't' || first == 'f') {
        if (const char* e = json::scan_word(line, i, first == 't' ? "true" : "false")) return fail_at(i, e);
        std::string_view word = line.substr(start, i - start);
        if (!takes_boolean(kind)) return fail_value(column, word);
        values_.append(word);
    } else if (first == 'n') {
        if (const char* e = json::scan_word(line, i, "null")) return fail_at(i, e);
        s.null = true;
    } else if (first == '{' || first == '[') {
        if (kind != value_kind::super)
            return fail_value(column, first == '{' ? "an object" : "an array", " (only super columns take objects and arrays)");
        if (const char* e = json::append_minified(line, i, values_)) return fail_at(i, e);
    } else {
        return fail_at(i, "expected a value");
    }
    s.end = static_cast<std::uint32_t>(values_.size());
    return true;
}

bool ndjson_decoder::decode_member(std::string_view line, std::size_t& i) {
    if (i >= line.size() || line[i] != '"') return fail_at(i, "expected a key (a string)");
    std::string_view key;
    if (const char* e = json::scan_string(line, i, &key_, key)) return fail_at(i, e);
    json::skip_space(line, i);
    if (i >= line.size() || line[i] != ':') return fail_at(i, "expected ':' after a key");
    ++i;
    json::skip_space(line, i);
    std::optional<std::size_t> column = column_of(key);
    if (!column) {
        if (!options_.ignore_unknown_keys) return fail("key " + quoted(key) + " is not a column of the table");
        if (!unknown_key(key)) return false;
        // Still checked, so a malformed line is not let through because of where its fault is.
        std::size_t keep = values_.size();
        if (const char* e = json::append_minified(line, i, values_)) return fail_at(i, e);
        values_.resize(keep);
        return true;
    }
    if (slots_[*column].line == lines_ + 1) return fail("key " + quoted(key) + " appears twice");
    return add_value(*column, line, i);
}

bool ndjson_decoder::decode_line(std::string_view line, row_batch& out) {
    std::size_t i = 0;
    json::skip_space(line, i);
    if (i == line.size()) return true;  // blank: counted, no record
    // Once per line with simdjson's SIMD validator, so the scanners need not look at UTF-8.
    if (!simdjson::validate_utf8(line.data(), line.size())) return fail("invalid UTF-8");
    if (line[i] != '{') return fail_at(i, "a record must be a JSON object");
    values_.clear();
    unknown_.clear();
    unknown_ends_.clear();
    expected_ = 0;
    ++i;
    json::skip_space(line, i);
    if (i < line.size() && line[i] == '}') {
        ++i;
    } else {
        for (;;) {
            if (!decode_member(line, i)) return false;
            json::skip_space(line, i);
            if (i < line.size() && line[i] == ',') {
                ++i;
                json::skip_space(line, i);
                continue;
            }
            if (i < line.size() && line[i] == '}') {
                ++i;
                break;
            }
            return fail_at(i, "expected ',' or '}' after a value");
        }
    }
    json::skip_space(line, i);
    if (i != line.size()) return fail_at(i, "more text after the object (one object per line)");
    // The whole line is good: only now does it reach the batch, in column order.
    const std::uint64_t here = lines_ + 1;
    for (const slot& s : slots_) {
        if (s.line == here && !s.null) {
            out.text().append(values_, s.begin, s.end - s.begin);
            out.end_value();
        } else {
            out.end_null();
        }
    }
    ++records_;
    return true;
}

std::optional<std::size_t> ndjson_decoder::decode(std::string_view data, bool final, row_batch& out) {
    std::size_t pos = 0;
    while (pos < data.size() && !out.full()) {
        // A raw line break cannot occur inside a JSON string, so the first '\n' ends the line.
        const void* hit = std::memchr(data.data() + pos, '\n', data.size() - pos);
        if (!hit && !final) break;  // cut by the chunk boundary: the caller brings the rest
        std::size_t end = hit ? static_cast<std::size_t>(static_cast<const char*>(hit) - data.data()) : data.size();
        std::string_view line = data.substr(pos, end - pos);
        // CRLF: the CR is part of the line end, not of the line (an unclosed string is then
        // reported as such, not as a control character).
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (!decode_line(line, out)) return std::nullopt;
        ++lines_;
        pos = hit ? end + 1 : end;
    }
    return pos;
}

}  // namespace shiftsync::transfer::rows
