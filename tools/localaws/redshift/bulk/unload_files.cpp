#include "tools/localaws/redshift/bulk/unload_files.hpp"

#include <algorithm>
#include <cstdio>

namespace localaws::redshift::bulk {
namespace {
constexpr std::size_t write_chunk = 1 << 20;

std::span<const std::byte> bytes_of(std::string_view s) {
    return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}
}  // namespace

unload_files::unload_files(s3::object_store& store, const dialect::unload_command& cmd, std::size_t slices)
    : store_(store), cmd_(cmd), slices_(cmd.parallel ? std::max<std::size_t>(1, slices) : 1) {}

unload_files::~unload_files() = default;  // uncommitted writers discard their data

std::string unload_files::key_of(std::size_t slice, std::size_t part) const {
    char name[32];
    if (cmd_.parallel)
        std::snprintf(name, sizeof name, "%04zu_part_%02zu", slice, part);
    else
        std::snprintf(name, sizeof name, "%03zu", part);
    std::string extension;
    if (cmd_.extension) {
        // EXTENSION replaces the automatic one: Redshift expects 'csv.gz' when compressing.
        extension = (*cmd_.extension)[0] == '.' ? *cmd_.extension : "." + *cmd_.extension;
    } else {
        extension = file_extension(cmd_.compress);
    }
    return cmd_.to.key + name + extension;
}

std::optional<std::string> unload_files::open_part(std::size_t slice) {
    auto& parts = slices_[slice].parts;
    part_file f;
    f.info.key = key_of(slice, parts.size());
    std::error_code ec;
    f.writer = store_.create(cmd_.to.bucket, f.info.key, ec);
    if (!f.writer) return s3_error("The specified bucket does not exist", 404, "NoSuchBucket");
    f.codec = make_compressor(cmd_.compress);
    if (!header_.empty()) f.codec->write(header_, f.pending);
    parts.push_back(std::move(f));
    return std::nullopt;
}

std::optional<std::string> unload_files::flush(part_file& f, bool force) {
    if (f.pending.empty() || (!force && f.pending.size() < write_chunk)) return std::nullopt;
    if (auto ec = f.writer->write(bytes_of(f.pending))) return s3_error("write failed: " + ec.message(), 500, "InternalError");
    f.info.bytes += f.pending.size();
    f.pending.clear();
    return std::nullopt;
}

std::optional<std::string> unload_files::compress_rows(std::size_t slice) {
    slice_state& state = slices_[slice];
    if (state.rows.empty() && !state.parts.empty()) return std::nullopt;
    auto& parts = state.parts;
    // Roll to the next part before a chunk could push this one past MAXFILESIZE (the raw size
    // bounds the compressed size, so a file never exceeds the limit unless one chunk alone does).
    if (parts.empty() || (parts.back().info.records > 0 &&
                          parts.back().info.bytes + parts.back().pending.size() + state.rows.size() > cmd_.max_file_size)) {
        if (!parts.empty()) {
            part_file& full = parts.back();
            full.codec->finish(full.pending);
            if (auto e = flush(full, true)) return e;
        }
        if (auto e = open_part(slice)) return e;
    }
    part_file& f = parts.back();
    f.codec->write(state.rows, f.pending);
    f.info.records += state.row_count;
    state.rows.clear();
    state.row_count = 0;
    return flush(f, false);
}

std::optional<std::string> unload_files::add_row(std::size_t slice, std::string_view row) {
    slice_state& state = slices_[slice];
    // Chunks stay well under MAXFILESIZE's 5 MB minimum, so the split stays close to the limit.
    const std::size_t chunk = std::min<std::uint64_t>(256 * 1024, cmd_.max_file_size / 8);
    if (!state.rows.empty() && state.rows.size() + row.size() > chunk) {
        if (auto e = compress_rows(slice)) return e;
    }
    state.rows.append(row);
    ++state.row_count;
    return std::nullopt;
}

std::optional<std::string> unload_files::commit(std::vector<written_file>& files) {
    for (std::size_t slice = 0; slice < slices_.size(); ++slice) {
        if (!slices_[slice].rows.empty() || (slice == 0 && slices_[0].parts.empty())) {
            if (auto e = compress_rows(slice)) return e;
        }
    }
    for (auto& slice : slices_) {
        for (std::size_t i = 0; i < slice.parts.size(); ++i) {
            part_file& f = slice.parts[i];
            if (i + 1 == slice.parts.size()) f.codec->finish(f.pending);
            if (auto e = flush(f, true)) return e;
        }
    }
    for (auto& slice : slices_) {
        for (auto& f : slice.parts) {
            if (auto ec = f.writer->commit()) return s3_error("commit failed: " + ec.message(), 500, "InternalError");
            files.push_back(f.info);
        }
    }
    std::sort(files.begin(), files.end(), [](const auto& a, const auto& b) { return a.key < b.key; });
    return std::nullopt;
}

}  // namespace localaws::redshift::bulk
