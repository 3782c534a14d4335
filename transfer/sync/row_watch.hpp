#pragma once
// What a sync stream does to rows on their way through, whichever direction they go: drops the
// excluded columns, drops rows below the cursor's lower bound (for sources that cannot filter in
// SQL: files), drops rows a file destination already published (the overlap a run reads again:
// same key and same cursor value, remembered as the previous run's boundary), and keeps the
// greatest cursor value seen. The decorators apply it to extract's sinks and load's sources.
//
// A batch that needs no change passes through as it is (no copy); otherwise the rows and
// columns kept are copied into a new batch.
//
// Executor / thread safety: one watcher per stream, used on the network thread.

#include "transfer/extract/row_sink.hpp"
#include "transfer/load/row_source.hpp"
#include "transfer/sync/cursor.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

namespace shiftsync::transfer::sync {

// Rows at the top of the cursor range a file destination holds, by hash of (key, cursor value):
// the next run reads them again (>= last - lookback) and drops those it finds here.
struct boundary_set {
    std::vector<std::pair<std::uint64_t, std::string>> entries;  // (hash, cursor value)
    std::unordered_set<std::uint64_t> hashes;
    void index() {
        hashes.clear();
        for (const auto& e : entries) hashes.insert(e.first);
    }
};

struct watch_options {
    std::string cursor;                      // "" none
    std::optional<std::string> lower_bound;  // drop rows whose cursor is below (or NULL)
    std::vector<std::string> keys;           // for the boundary (empty: the whole row is the key)
    cursor_lookback lookback;                // the boundary's width
    const boundary_set* previous = nullptr;  // rows already published
    bool collect_boundary = false;
    std::vector<std::string> exclude;
    std::uint64_t* live_rows = nullptr;      // kept rows, counted here too (progress lines)
    std::function<void()> on_commit;         // a watched sink's commit begins (its merge and state row)
};

class row_watcher {
public:
    explicit row_watcher(watch_options options) : options_(std::move(options)) {}

    // The columns as the source has them; "" or a reason when a named column is missing.
    std::string bind(const rows::schema& columns);
    rows::schema kept_schema() const;
    std::vector<std::string> kept_names(const std::vector<std::string>& names) const;

    // The batch with what the stream drops removed (the same batch when nothing is).
    std::shared_ptr<rows::row_batch> process(std::shared_ptr<rows::row_batch> batch);

    const std::optional<std::string>& max_cursor() const { return tracker_.max(); }
    rows::value_kind cursor_kind() const { return cursor_kind_; }
    bool has_cursor() const { return cursor_index_.has_value(); }
    void committing() const {
        if (options_.on_commit) options_.on_commit();
    }
    std::uint64_t rows_kept() const { return kept_; }
    std::uint64_t rows_below_bound() const { return below_; }
    std::uint64_t rows_already_published() const { return republished_; }
    // The boundary for the next run: rows whose cursor is >= max - lookback.
    boundary_set take_boundary();

private:
    std::uint64_t row_hash(const rows::row_batch& batch, std::size_t row) const;
    void prune_boundary();

    watch_options options_;
    rows::schema columns_;
    std::vector<std::size_t> kept_columns_;
    std::vector<std::size_t> key_columns_;
    std::optional<std::size_t> cursor_index_;
    rows::value_kind cursor_kind_ = rows::value_kind::text;
    cursor_tracker tracker_;
    boundary_set boundary_;
    std::size_t pruned_size_ = 0;
    std::uint64_t kept_ = 0, below_ = 0, republished_ = 0;
};

// Extract's sink, watched: the inner sink sees the kept columns and rows.
std::unique_ptr<extract::row_sink> make_watching_sink(std::unique_ptr<extract::row_sink> inner, row_watcher& watcher);
// Load's source, watched: the load sees the kept columns and rows. `inner` must outlive it.
std::unique_ptr<load::row_source> make_watching_source(load::row_source& inner, row_watcher& watcher);

}  // namespace shiftsync::transfer::sync
