#include "tools/localaws/redshift/bulk/copy_records.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cstring>

#include "tools/localaws/redshift/sql_scanner.hpp"

namespace localaws::redshift::bulk {
namespace json = boost::json;

record_splitter::record_splitter(const dialect::copy_command& cmd, std::vector<std::string> columns)
    : cmd_(cmd), columns_(std::move(columns)) {
    delimiter_ = cmd.delimiter.value_or(cmd.format == dialect::copy_format::csv ? ',' : '|');
}

bool record_splitter::feed(std::string_view data, const std::function<bool(input_record&)>& emit) {
    buffer_.append(data);
    return split(emit);
}

bool record_splitter::split(const std::function<bool(input_record&)>& emit) {
    bool json = cmd_.format == dialect::copy_format::json_auto || cmd_.format == dialect::copy_format::json_auto_ignorecase;
    return json ? split_json(false, emit) : split_lines(false, emit);
}

bool record_splitter::finish(const std::function<bool(input_record&)>& emit) {
    bool json = cmd_.format == dialect::copy_format::json_auto || cmd_.format == dialect::copy_format::json_auto_ignorecase;
    bool go_on = json ? split_json(true, emit) : split_lines(true, emit);
    buffer_.clear();
    scanned_ = 0;
    in_quotes_ = false;
    newlines_in_quotes_ = 0;
    line_ = 1;
    return go_on;
}

bool record_splitter::split_lines(bool at_end, const std::function<bool(input_record&)>& emit) {
    const bool csv = cmd_.format == dialect::copy_format::csv;
    std::size_t start = 0;
    std::size_t i = scanned_;
    input_record& r = record_;
    auto emit_line = [&](std::size_t end, std::uint64_t lines_in_record) {
        std::string_view line(buffer_.data() + start, end - start);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);  // CRLF files
        r.error.clear();
        r.line_number = line_;
        r.raw = line;
        line_ += lines_in_record;
        if (csv) fields_of_csv(line, r);
        else fields_of_text(line, r);
        return emit(r);
    };
    std::uint64_t& newlines_inside = newlines_in_quotes_;
    const char* data = buffer_.data();
    const std::size_t size = buffer_.size();
    while (i < size) {
        // Each step covers up to the next newline: memchr finds it, and a line without quotes
        // (the usual case) needs no byte-by-byte look at all.
        const void* found = std::memchr(data + i, '\n', size - i);
        const std::size_t nl = found ? static_cast<std::size_t>(static_cast<const char*>(found) - data) : size;
        if (csv && (in_quotes_ || std::memchr(data + i, cmd_.quote, nl - i))) {
            for (std::size_t k = i; k < nl; ++k)
                if (data[k] == cmd_.quote) in_quotes_ = !in_quotes_;  // a doubled quote toggles twice
        }
        i = nl;
        if (i == size) break;
        ++i;  // past the newline
        if (in_quotes_) {
            ++newlines_inside;
            continue;
        }
        if (!emit_line(nl, newlines_inside + 1)) return false;
        newlines_inside = 0;
        start = i;
    }
    if (at_end && start < buffer_.size()) {
        if (in_quotes_) {
            r.fields.clear();
            r.line_number = line_;
            r.raw = std::string_view(buffer_).substr(start);
            r.error = "Unterminated quoted field at end of file";
            if (!emit(r)) return false;
        } else if (!emit_line(buffer_.size(), 1)) {
            return false;
        }
        start = buffer_.size();
    }
    buffer_.erase(0, start);
    scanned_ = buffer_.size();
    return true;
}

namespace {

// Reuses the record's field objects (and their string capacity) from record to record.
input_field& next_field(input_record& r, std::size_t& used) {
    if (used == r.fields.size()) r.fields.emplace_back();
    input_field& f = r.fields[used++];
    f.text.clear();
    f.quoted = false;
    f.is_null = false;
    return f;
}

}  // namespace

void record_splitter::fields_of_text(std::string_view line, input_record& r) const {
    std::size_t used = 0, start = 0;
    while (true) {
        std::size_t end = line.find(delimiter_, start);
        next_field(r, used).text.assign(line.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
        if (end == std::string_view::npos) break;
        start = end + 1;
    }
    r.fields.resize(used);
}

void record_splitter::fields_of_csv(std::string_view line, input_record& r) const {
    std::size_t used = 0, i = 0;
    const char quote = cmd_.quote;
    for (;;) {
        input_field& f = next_field(r, used);
        if (i < line.size() && line[i] == quote) {  // quoted: "" inside stands for one quote
            f.quoted = true;
            ++i;
            for (;;) {
                std::size_t q = line.find(quote, i);
                if (q == std::string_view::npos) {
                    f.text.append(line.substr(i));
                    i = line.size();
                    break;
                }
                f.text.append(line.substr(i, q - i));
                if (q + 1 < line.size() && line[q + 1] == quote) {
                    f.text += quote;
                    i = q + 2;
                } else {
                    i = q + 1;
                    break;
                }
            }
            // Anything between the closing quote and the delimiter is kept, as Redshift does.
            std::size_t end = line.find(delimiter_, i);
            f.text.append(line.substr(i, end == std::string_view::npos ? std::string_view::npos : end - i));
            if (end == std::string_view::npos) break;
            i = end + 1;
            continue;
        }
        std::size_t end = line.find(delimiter_, i);
        f.text.assign(line.substr(i, end == std::string_view::npos ? std::string_view::npos : end - i));
        if (end == std::string_view::npos) break;
        i = end + 1;
    }
    r.fields.resize(used);
}

bool record_splitter::split_json(bool at_end, const std::function<bool(input_record&)>& emit) {
    // Find each top-level {...} by brace depth outside strings; newlines count lines.
    std::size_t start = std::string::npos;
    int depth = 0;
    bool in_string = false;
    std::size_t consumed = 0;
    std::uint64_t line = line_, record_line = line_;
    for (std::size_t i = 0; i < buffer_.size(); ++i) {
        char c = buffer_[i];
        if (c == '\n') ++line;
        if (in_string) {
            if (c == '\\') ++i;
            else if (c == '"') in_string = false;
            continue;
        }
        if (c == '"') in_string = true;
        else if (c == '{') {
            if (depth++ == 0) {
                start = i;
                record_line = line;
            }
        } else if (c == '}' && depth > 0 && --depth == 0) {
            input_record r;
            r.line_number = record_line;
            r.raw = std::string_view(buffer_).substr(start, i + 1 - start);
            fields_of_json(r.raw, r);
            consumed = i + 1;
            if (!emit(r)) return false;
        }
    }
    if (depth == 0) {
        consumed = buffer_.size();
        line_ = line;
    } else {
        // keep the incomplete object; count lines only up to what was consumed
        line_ = record_line;
        consumed = start == std::string::npos ? consumed : start;
        if (at_end) {
            input_record r;
            r.line_number = record_line;
            r.raw = std::string_view(buffer_).substr(consumed);
            r.error = "Invalid JSON: unexpected end of input";
            if (!emit(r)) return false;
            consumed = buffer_.size();
        }
    }
    buffer_.erase(0, consumed);
    return true;
}

void record_splitter::fields_of_json(std::string_view text, input_record& r) const {
    json::error_code ec;
    json::value v = json::parse(text, ec);
    if (ec || !v.is_object()) {
        r.error = "Invalid JSON object: " + (ec ? ec.message() : std::string("not an object"));
        return;
    }
    const bool ignore_case = cmd_.format == dialect::copy_format::json_auto_ignorecase;
    const json::object& o = v.get_object();
    for (const auto& column : columns_) {
        const json::value* found = nullptr;
        for (const auto& [key, value] : o) {
            if (ignore_case ? iequals(key, column) : std::string_view(key) == column) {
                found = &value;
                break;
            }
        }
        input_field f;
        if (!found || found->is_null()) {
            f.is_null = true;
        } else if (found->is_string()) {
            f.text = std::string(found->get_string());
            f.quoted = true;
        } else if (found->is_bool()) {
            f.text = found->get_bool() ? "true" : "false";
        } else {
            f.text = json::serialize(*found);  // numbers as written; objects/arrays for SUPER columns
        }
        r.fields.push_back(std::move(f));
    }
}

}  // namespace localaws::redshift::bulk
