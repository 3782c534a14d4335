#pragma once
// Column types for `load --create-table` from a sample of a CSV source (sans-IO): each column's
// non-empty values decide the narrowest Redshift type that holds all of them —
//   BOOLEAN (true/false), INTEGER, then BIGINT (by range), NUMERIC(p,s) (the scale seen, room for 18 whole digits at least, p ≤ 38),
//   DATE (YYYY-MM-DD), TIMESTAMP (YYYY-MM-DD HH:MM:SS[.ffffff]), TIMESTAMPTZ (… +HH[:MM]),
//   else "" (text: the load's own choice, VARCHAR(65535) for a created table, sized from the data
//   for an added column).
// A sample can be wrong about the rest of the file: a later value the type does not hold fails the
// load before anything is committed, naming its file and line; `--column-type COL=TYPE` overrides.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace shiftsync::transfer::load {

class type_sampler {
public:
    explicit type_sampler(std::size_t columns) : columns_(columns) {}
    // One value of `column`; an empty one (a NULL, or an empty string) says nothing.
    void add(std::size_t column, std::string_view value);
    std::string ddl(std::size_t column) const;  // "": text (no opinion)
    std::size_t columns() const { return columns_.size(); }

private:
    struct column {
        bool seen = false;
        bool boolean = true, integer = true, int32 = true, int64 = true, decimal = true;
        bool date = true, timestamp = true, timestamptz = true;
        int whole_digits = 0;  // the most digits before the point
        int scale = 0;         // the most digits after it
    };
    std::vector<column> columns_;
};

}  // namespace shiftsync::transfer::load
