#pragma once
// Incremental cursors (sans-IO): comparing cursor values, the lower bound a run reads from
// (last value minus the stream's lookback), and that bound as a SQL literal.
//
// A cursor value is the canonical text of its column's kind (rows/value_text.hpp), the same
// whichever path read it, so it can be stored as text and compared without the database:
//   integer        by value (sign, then length, then digits)
//   decimal        by value (integer part, then fraction), every digit kept
//   real4/real8    as doubles
//   date, time, timestamp, timestamptz
//                  as bytes: the canonical form is fixed-width up to the fraction, and a missing
//                  fraction sorts before any fraction ("…:00" < "…:00.5", "…:00+00" < "…:00.5+00")
//   text, boolean  as bytes (Redshift compares VARCHAR bytewise under its default collation)
//
// Why `cursor >= last - lookback` and never `>`: rows sharing the last value may still commit
// after the run read its peers, and a transaction that stamped its rows before it committed
// shows up late with an older value; reading the overlap again is harmless because the
// destination removes it by primary key (upsert), or the run filters it (files).

#include "transfer/rows/column.hpp"
#include "transfer/rows/row_batch.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace shiftsync::transfer::sync {

enum class sql_dialect { redshift, postgres };

// A string literal by the dialect's rules (Redshift doubles backslashes too, PostgreSQL does not).
std::string string_literal(std::string_view text, sql_dialect dialect);

// What a lookback means: a duration (timestamps and dates) or a count (integers).
struct cursor_lookback {
    std::int64_t seconds = 0;
    std::int64_t count = 0;
};

bool cursor_kind_supported(rows::value_kind kind);

// <0, 0, >0 like strcmp, for two canonical values of `kind`.
int compare_cursor(rows::value_kind kind, std::string_view a, std::string_view b);

// `last` minus the lookback, as canonical text of the same kind. nullopt with `why` when the
// lookback does not suit the kind (a duration on an integer cursor, any lookback on text) or
// `last` is not a canonical value of that kind. A date moves back by whole days (rounded up).
std::optional<std::string> cursor_lower_bound(rows::value_kind kind, std::string_view last,
                                              const cursor_lookback& lookback, std::string& why);

// The value as a SQL literal both Redshift and PostgreSQL read as that type:
// 42, 12.50, '2026-12-02 13:45:00'::timestamp, 'text' (escaped for the dialect).
std::string cursor_literal(rows::value_kind kind, std::string_view value, sql_dialect dialect);

// Keeps the greatest non-NULL value of one column across the batches it is shown.
class cursor_tracker {
public:
    cursor_tracker() = default;
    cursor_tracker(std::size_t column, rows::value_kind kind) : column_(column), kind_(kind), active_(true) {}

    void observe(const rows::row_batch& batch);
    void observe(std::string_view value);
    const std::optional<std::string>& max() const { return max_; }
    bool active() const { return active_; }

private:
    std::size_t column_ = 0;
    rows::value_kind kind_ = rows::value_kind::text;
    bool active_ = false;
    std::optional<std::string> max_;
};

}  // namespace shiftsync::transfer::sync
