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

std::optional<std::string> unload_files::add_row(std::size_t slice, std::string_view row) {
    auto& parts = slices_[slice].parts;
    if (parts.empty() || parts.back().info.bytes + parts.back().pending.size() >= cmd_.max_file_size) {
        if (!parts.empty()) {
            part_file& full = parts.back();
            full.codec->finish(full.pending);
            if (auto e = flush(full, true)) return e;
        }
        if (auto e = open_part(slice)) return e;
    }
    part_file& f = parts.back();
    f.codec->write(row, f.pending);
    ++f.info.records;
    return flush(f, false);
}

std::optional<std::string> unload_files::commit(std::vector<written_file>& files) {
    if (slices_[0].parts.empty()) {
        if (auto e = open_part(0)) return e;
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
