#pragma once
// Data API pages to the row model: typed fields to canonical text (rows/value_text.hpp), and
// ColumnMetadata to columns. Sans-IO.

#include "aws/redshift_data/types.hpp"
#include "transfer/rows/column.hpp"
#include "transfer/rows/row_batch.hpp"

#include <string>

namespace shiftsync::transfer::extract {

rows::schema schema_of(const std::vector<aws::redshift_data::column_metadata>& columns);

// Appends the page's rows to `batch`; false (with `why`) when a value does not fit its column.
bool append_page(const rows::schema& columns, const aws::redshift_data::result_page& page, rows::row_batch& batch,
                 std::string& why);

}  // namespace shiftsync::transfer::extract
