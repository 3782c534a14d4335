#pragma once
// A statement's outcome in text form (libpq's text result format): column names and type OIDs,
// rows of optional strings (nullopt is SQL NULL), and the command tag ("INSERT 0 3").

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace shiftsync::engine::pg {

struct column {
    std::string name;
    std::uint32_t type_oid = 0;
    int type_modifier = -1;  // PQfmod: varchar's length + 4, numeric's (precision << 16 | scale) + 4; -1 none
};

using row = std::vector<std::optional<std::string>>;

struct statement_result {
    std::vector<column> columns;
    std::vector<row> rows;       // empty when the rows went to a row_sink
    std::uint64_t row_count = 0; // rows returned (also when streamed)
    std::string command_tag;
};

// Receives a streamed result row by row (single-row mode: one row in memory at a time). The
// columns are known before the first row. Returning false stops delivery; the statement still
// runs to its end on the server (cancel it to stop it there).
struct row_sink {
    std::function<void(const std::vector<column>&)> on_columns;
    std::function<bool(const row&)> on_row;
};

// A parameter in text form; nullopt is NULL. The server infers its type from the statement.
using parameter = std::optional<std::string>;

}  // namespace shiftsync::engine::pg
