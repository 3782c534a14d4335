#include "tools/localaws/redshift/bulk/copy_stream.hpp"

#include <algorithm>

#include "tools/localaws/redshift/bulk/codec.hpp"
#include "tools/localaws/redshift/bulk/copy_records.hpp"

namespace localaws::redshift::bulk {
namespace {

// Bytes read from an object per step. Not smaller: JSON 'auto' rescans an unfinished object from
// its start at every step, so a record spanning many steps would cost many scans.
constexpr std::size_t read_step = 1 << 20;

std::string valid_utf8_or_marked(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
        bool ok = n > 0 && i + n <= s.size();
        for (std::size_t k = 1; ok && k < n; ++k) ok = (static_cast<unsigned char>(s[i + k]) >> 6) == 2;
        if (!ok) {
            out += '?';
            continue;
        }
        out.append(s, i, n);
        i += n - 1;
    }
    return out;
}

}  // namespace

copy_stream::copy_stream(const dialect::copy_command& cmd, const environment& env,
                         const std::vector<dialect::s3_location>& sources, field_converter& converter,
                         const excluded_rows& excluded)
    : cmd_(cmd), env_(env), sources_(sources), converter_(converter), excluded_(excluded) {
    for (const auto& c : converter_.columns()) column_names_.push_back(c.name);
}

std::optional<std::string> copy_stream::encode(std::uint64_t allowed_errors, std::size_t batch_bytes,
                                               const deliver_fn& deliver) {
    allowed_ = allowed_errors;
    batch_bytes_ = batch_bytes;
    deliver_ = &deliver;
    out_.reserve(batch_bytes + 64 * 1024);
    if (auto e = read_all()) return e;
    if (!stopped_ && !out_.empty()) deliver(out_);
    return std::nullopt;
}

std::optional<copy_stream::located> copy_stream::locate(std::uint64_t index) {
    locating_ = true;
    allowed_ = UINT64_MAX;
    locate_index_ = index;
    read_all();
    return std::move(found_);
}

std::optional<std::string> copy_stream::read_all() {
    for (file_ = 0; file_ < sources_.size() && !stopped_; ++file_) {
        if (auto e = read_file(sources_[file_])) return e;
    }
    return std::nullopt;
}

std::optional<std::string> copy_stream::read_file(const dialect::s3_location& at) {
    std::error_code ec;
    auto reader = env_.store->open(at.bucket, at.key, ec);
    if (!reader) return s3_error("The specified key does not exist", 404, "NoSuchKey") + " (" + at.url() + ")";
    auto codec = make_decompressor(cmd_.compress);
    record_splitter splitter(cmd_, column_names_);
    std::string chunk(read_step, '\0');
    std::string error;
    const std::function<bool(input_record&)> emit = [this](input_record& r) { return on_record(r); };
    for (;;) {
        std::size_t n = reader->read({reinterpret_cast<std::byte*>(chunk.data()), chunk.size()}, ec);
        if (ec) return s3_error("read failed: " + ec.message(), 500, "InternalError");
        if (n == 0) break;
        // Decompressed straight behind what the splitter holds: no copy of every byte in between.
        if (!codec->write({chunk.data(), n}, splitter.input(), error))
            return "Failed to decompress " + at.url() + ": " + error + " (is the COMPRESSION option right?)";
        if (!splitter.split(emit)) return std::nullopt;  // stopped on purpose
    }
    if (!codec->finish(error)) return "Failed to decompress " + at.url() + ": " + error;
    splitter.finish(emit);
    return std::nullopt;
}

bool copy_stream::on_record(input_record& r) {
    if (r.line_number <= cmd_.ignore_header) return true;
    if (r.raw.empty() && r.error.empty() && r.fields.size() <= 1 && (r.fields.empty() || r.fields[0].text.empty()))
        return true;  // blank line
    if (!excluded_.empty() && excluded_.count({file_, r.line_number})) return true;
    const std::size_t before = out_.size();
    if (auto e = converter_.convert(r, out_)) {
        reject(r, *e);
        if (errors.size() + excluded_.size() > allowed_) {
            too_many_errors = true;
            stopped_ = true;
            return false;
        }
        return true;
    }
    if (locating_) {
        out_.resize(before);
        if (rows == locate_index_) {
            found_ = located{file_, r.line_number, valid_utf8_or_marked(r.raw)};
            stopped_ = true;
            return false;
        }
        ++rows;
        return true;
    }
    ++rows;
    if (out_.size() >= batch_bytes_) {
        if (!(*deliver_)(out_)) {
            stopped_ = true;
            return false;
        }
        out_.clear();
    }
    return true;
}

void copy_stream::reject(const input_record& r, const field_error& e) {
    const auto& columns = converter_.columns();
    load_error le;
    le.file_name = sources_[file_].url();
    le.line_number = r.line_number;
    if (!columns.empty()) {
        const auto& column = columns[std::min(e.column, columns.size() - 1)];
        le.column_name = column.name;
        le.column_type = column.type_name;
    }
    le.error_code = e.code;
    le.error_message = e.message;
    le.raw_line = valid_utf8_or_marked(r.raw);
    if (e.column < r.fields.size()) le.raw_field_value = valid_utf8_or_marked(r.fields[e.column].text);
    errors.push_back(std::move(le));
}

}  // namespace localaws::redshift::bulk
