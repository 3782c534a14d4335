#pragma once
// COPY's rows as PostgreSQL will receive them: every source object read in order (manifest or
// listing order, then file order), decompressed, split into records, checked by the field rules
// and encoded in PostgreSQL's text format. Rows that fail a rule become load errors (up to
// MAXERROR); rows PostgreSQL itself refused in an earlier attempt (`excluded`) are left out.
// Nothing here talks to PostgreSQL, so a stream can run on a thread of its own (copy_pipeline).

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "tools/localaws/redshift/bulk/copy_fields.hpp"
#include "tools/localaws/redshift/bulk/environment.hpp"
#include "tools/localaws/redshift/bulk/load_error_log.hpp"
#include "tools/localaws/redshift/dialect/commands.hpp"

namespace localaws::redshift::bulk {

// (index into the sources, line number): rows PostgreSQL rejected, skipped on the next attempt.
using excluded_rows = std::set<std::pair<std::size_t, std::uint64_t>>;

class copy_stream {
public:
    copy_stream(const dialect::copy_command& cmd, const environment& env,
                const std::vector<dialect::s3_location>& sources, field_converter& converter,
                const excluded_rows& excluded);

    // Called with a buffer of whole rows, at least `batch_bytes` long (the last one may be
    // shorter, never empty). It may swap the buffer's contents for an empty string (to reuse
    // memory); false stops the stream.
    using deliver_fn = std::function<bool(std::string& rows)>;

    // Encodes every row. Stops early, without delivering what is left, when rejected rows exceed
    // `allowed_errors` (too_many_errors) or `deliver` says stop. Returns a failure to read or
    // decompress a source; nullopt otherwise.
    std::optional<std::string> encode(std::uint64_t allowed_errors, std::size_t batch_bytes, const deliver_fn& deliver);

    struct located {
        std::size_t file = 0;
        std::uint64_t line = 0;
        std::string raw;
    };
    // The source of the row at 0-based `index` among the rows encode() would deliver (PostgreSQL
    // counts lines of its COPY input: one per row). nullopt when there are fewer rows.
    std::optional<located> locate(std::uint64_t index);

    std::vector<load_error> errors;  // rows rejected by the field rules, in order
    std::uint64_t rows = 0;          // rows encoded (or, for locate, passed)
    bool too_many_errors = false;

private:
    std::optional<std::string> read_all();
    std::optional<std::string> read_file(const dialect::s3_location& at);
    bool on_record(input_record& r);
    void reject(const input_record& r, const field_error& e);

    const dialect::copy_command& cmd_;
    const environment& env_;
    const std::vector<dialect::s3_location>& sources_;
    field_converter& converter_;
    const excluded_rows& excluded_;
    std::vector<std::string> column_names_;

    bool locating_ = false;
    std::uint64_t allowed_ = 0;
    std::size_t batch_bytes_ = 0;
    const deliver_fn* deliver_ = nullptr;
    std::uint64_t locate_index_ = 0;
    std::optional<located> found_;
    std::size_t file_ = 0;
    bool stopped_ = false;
    std::string out_;
};

}  // namespace localaws::redshift::bulk
