#pragma once
// The files one UNLOAD writes: Redshift's names (<prefix>0000_part_00.gz per slice with PARALLEL
// ON, <prefix>000.gz with PARALLEL OFF; the part number grows past MAXFILESIZE), compressed as
// they stream, and committed only when the whole UNLOAD succeeded — a failure leaves nothing.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tools/localaws/redshift/bulk/codec.hpp"
#include "tools/localaws/redshift/bulk/environment.hpp"

namespace localaws::redshift::bulk {

struct written_file {
    std::string key;
    std::uint64_t bytes = 0;
    std::uint64_t records = 0;
};

class unload_files {
public:
    unload_files(s3::object_store& store, const dialect::unload_command& cmd, std::size_t slices);
    ~unload_files();

    // The key of slice `slice`, part `part`.
    std::string key_of(std::size_t slice, std::size_t part) const;
    // Appends one row (already encoded, with its newline) to `slice`; header lines repeat per file.
    std::optional<std::string> add_row(std::size_t slice, std::string_view row);
    void set_header(std::string header) { header_ = std::move(header); }
    std::size_t slices() const { return slices_.size(); }

    // Finishes every file, commits them; returns them in key order. Empty slices write no file,
    // except slice 0 so that an empty result still leaves one (empty or header-only) file.
    std::optional<std::string> commit(std::vector<written_file>& files);

private:
    struct part_file {
        written_file info;
        std::unique_ptr<s3::object_writer> writer;
        std::unique_ptr<compressor> codec;
        std::string pending;  // compressed bytes not yet written
    };
    // Rows are gathered per slice and compressed a chunk at a time: one compressor call per row
    // costs more than the compression itself.
    struct slice_state {
        std::vector<part_file> parts;
        std::string rows;             // uncompressed, whole rows only
        std::uint64_t row_count = 0;  // rows in `rows`
    };
    std::optional<std::string> open_part(std::size_t slice);
    std::optional<std::string> compress_rows(std::size_t slice);
    std::optional<std::string> flush(part_file& f, bool force);

    s3::object_store& store_;
    const dialect::unload_command& cmd_;
    std::vector<slice_state> slices_;
    std::string header_;
};

}  // namespace localaws::redshift::bulk
