#pragma once
// An endpoint result in the Data API's shape, so that every consumer of statement results (the
// query command's writers, extract's row model) gives the same output on both paths: column
// metadata from the type OIDs and modifiers, typed fields from libpq's text values as the Data API
// types them (booleans, integers and floats as such; DECIMAL, dates, times, SUPER as strings;
// VARBYTE as lowercase hex). Knows Redshift's own OIDs (SUPER 4000, VARBYTE 6551) and the
// PostgreSQL types localaws stands them in with (jsonb, bytea). Sans-IO.

#include "aws/redshift_data/types.hpp"
#include "engine/pg/pg_result.hpp"

#include <optional>
#include <string>
#include <vector>

namespace shiftsync::transfer::endpoint {

std::vector<aws::redshift_data::column_metadata> column_metadata_of(const std::vector<engine::pg::column>& columns);

// The field a text value of this column is on the Data API path. False (with `why`) when the text
// is not a value of the column's type (a number that does not parse).
bool field_of(const aws::redshift_data::column_metadata& column, const std::optional<std::string>& text,
              aws::redshift_data::field& out, std::string& why);

// Converts the rows of one result, each column's field type worked out once (not per value).
class row_shaper {
public:
    explicit row_shaper(std::vector<aws::redshift_data::column_metadata> columns);
    bool convert(const engine::pg::row& in, aws::redshift_data::row& out, std::string& why) const;
    const std::vector<aws::redshift_data::column_metadata>& columns() const { return columns_; }

private:
    std::vector<aws::redshift_data::column_metadata> columns_;
    std::vector<int> types_;  // field_type per column
};

// Rows of one result in the Data API's shape; false (with `why`) on a value that does not fit.
bool append_rows(const std::vector<aws::redshift_data::column_metadata>& columns,
                 const std::vector<engine::pg::row>& rows, std::vector<aws::redshift_data::row>& out, std::string& why);

// The Data API's named parameters (":name") as the endpoint's positional ones ("$1"…): `values`
// gets the parameters' values in $-order. Placeholders inside string literals, quoted identifiers,
// comments and "::" casts are left alone. False (with `why`) for a placeholder no parameter names,
// or a parameter no placeholder uses (the Data API refuses both).
bool positional_parameters(const std::string& sql, const std::vector<aws::redshift_data::statement_parameter>& named,
                           std::string& rewritten, std::vector<engine::pg::parameter>& values, std::string& why);

}  // namespace shiftsync::transfer::endpoint
