#pragma once
// Result rows to stdout as CSV (RFC 4180; NULL is an empty field, an empty string is ""), NDJSON
// (one object per row, typed) or an aligned table (widths from the first 1,000 rows, so memory
// stays bounded however many rows stream through).

#include "aws/redshift_data/types.hpp"

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

namespace shiftsync::cli {

enum class row_format { csv, ndjson, table };

class row_writer {
public:
    virtual ~row_writer() = default;
    virtual void columns(const std::vector<aws::redshift_data::column_metadata>& columns) = 0;
    virtual void row(const aws::redshift_data::row& values) = 0;
    virtual void finish() = 0;
};

std::unique_ptr<row_writer> make_row_writer(row_format format, std::FILE* out);

// A field as text: NULL -> "", bool -> true/false, blob -> \x<hex> (PostgreSQL's bytea form).
std::string field_text(const aws::redshift_data::field& value);

}  // namespace shiftsync::cli
