#include "transfer/sync/row_watch.hpp"

#include "transfer/extract/forwarding_sink.hpp"
#include "transfer/s3/transfer_error.hpp"

#include <algorithm>
#include <functional>

namespace shiftsync::transfer::sync {

namespace asio = boost::asio;
using boost::system::result;

namespace {

std::optional<std::size_t> index_of(const rows::schema& columns, const std::string& name) {
    for (std::size_t i = 0; i < columns.size(); ++i)
        if (columns[i].name == name) return i;
    return std::nullopt;
}

std::uint64_t mix(std::uint64_t h, std::uint64_t v) {
    // boost::hash_combine's constant, widened: order matters, so (a, b) and (b, a) differ.
    return h ^ (v + 0x9e3779b97f4a7c15ull + (h << 12) + (h >> 4));
}

}  // namespace

std::string row_watcher::bind(const rows::schema& columns) {
    columns_ = columns;
    kept_columns_.clear();
    key_columns_.clear();
    cursor_index_.reset();
    for (const auto& name : options_.exclude)
        if (!index_of(columns, name)) return "the excluded column \"" + name + "\" is not among the source's columns";
    for (std::size_t i = 0; i < columns.size(); ++i)
        if (std::find(options_.exclude.begin(), options_.exclude.end(), columns[i].name) == options_.exclude.end())
            kept_columns_.push_back(i);
    if (!options_.cursor.empty()) {
        cursor_index_ = index_of(columns, options_.cursor);
        if (!cursor_index_) return "the cursor column \"" + options_.cursor + "\" is not among the source's columns";
        cursor_kind_ = columns[*cursor_index_].kind;
        if (!cursor_kind_supported(cursor_kind_))
            return "the cursor column \"" + options_.cursor + "\" is " + std::string(rows::to_string(cursor_kind_)) +
                   ", which has no order to follow";
        tracker_ = cursor_tracker(*cursor_index_, cursor_kind_);
    }
    for (const auto& key : options_.keys) {
        auto i = index_of(columns, key);
        if (!i) return "the primary key column \"" + key + "\" is not among the source's columns";
        key_columns_.push_back(*i);
    }
    if (key_columns_.empty())
        for (std::size_t i = 0; i < columns.size(); ++i) key_columns_.push_back(i);
    return {};
}

rows::schema row_watcher::kept_schema() const {
    rows::schema out;
    for (auto i : kept_columns_) out.push_back(columns_[i]);
    return out;
}

std::vector<std::string> row_watcher::kept_names(const std::vector<std::string>& names) const {
    std::vector<std::string> out;
    for (const auto& n : names)
        if (std::find(options_.exclude.begin(), options_.exclude.end(), n) == options_.exclude.end()) out.push_back(n);
    return out;
}

std::uint64_t row_watcher::row_hash(const rows::row_batch& batch, std::size_t row) const {
    std::hash<std::string_view> h;
    std::uint64_t out = 0xcbf29ce484222325ull;
    for (auto c : key_columns_) out = mix(out, batch.is_null(row, c) ? 0x5bd1e995ull : h(batch.value(row, c)));
    if (cursor_index_) out = mix(out, h(batch.value(row, *cursor_index_)));
    return out;
}

std::shared_ptr<rows::row_batch> row_watcher::process(std::shared_ptr<rows::row_batch> batch) {
    const std::size_t n = batch->rows();
    const bool all_columns = kept_columns_.size() == columns_.size();
    std::vector<std::uint8_t> keep(n, 1);
    std::size_t kept = n;
    if (cursor_index_) {
        const auto c = *cursor_index_;
        for (std::size_t r = 0; r < n; ++r) {
            if (options_.lower_bound &&
                (batch->is_null(r, c) || compare_cursor(cursor_kind_, batch->value(r, c), *options_.lower_bound) < 0)) {
                keep[r] = 0;
                ++below_;
                continue;
            }
            if (options_.previous || options_.collect_boundary) {
                std::uint64_t h = row_hash(*batch, r);
                // A row already published is not written again, but it is still at the top of the
                // range: the next run reads it once more, so it stays in the boundary.
                if (options_.previous && options_.previous->hashes.count(h)) {
                    keep[r] = 0;
                    ++republished_;
                }
                if (options_.collect_boundary && !batch->is_null(r, c))
                    boundary_.entries.emplace_back(h, std::string(batch->value(r, c)));
            }
            if (!batch->is_null(r, c)) tracker_.observe(batch->value(r, c));
        }
        kept = static_cast<std::size_t>(std::count(keep.begin(), keep.end(), 1));
        if (boundary_.entries.size() > 2 * pruned_size_ + 65536) prune_boundary();
    }
    kept_ += kept;
    if (options_.live_rows) *options_.live_rows = kept_;
    if (kept == n && all_columns) return batch;
    auto out = std::make_shared<rows::row_batch>(kept_columns_.size());
    for (std::size_t r = 0; r < n; ++r) {
        if (!keep[r]) continue;
        for (auto c : kept_columns_) {
            if (batch->is_null(r, c)) out->end_null();
            else out->add_value(batch->value(r, c));
        }
    }
    return out;
}

void row_watcher::prune_boundary() {
    const auto& top = tracker_.max();
    if (!top) return;
    std::string why;
    auto bound = cursor_lower_bound(cursor_kind_, *top, options_.lookback, why);
    if (!bound) bound = *top;  // a lookback the kind refuses was refused before the run
    auto& e = boundary_.entries;
    e.erase(std::remove_if(e.begin(), e.end(),
                           [&](const auto& entry) { return compare_cursor(cursor_kind_, entry.second, *bound) < 0; }),
            e.end());
    pruned_size_ = e.size();
}

boundary_set row_watcher::take_boundary() {
    prune_boundary();
    boundary_set out = std::move(boundary_);
    out.index();
    boundary_ = {};
    return out;
}

namespace {

class watching_sink final : public extract::forwarding_sink {
public:
    watching_sink(std::unique_ptr<extract::row_sink> inner, row_watcher& watcher)
        : forwarding_sink(std::move(inner)), watcher_(watcher) {}

    asio::awaitable<result<void>> async_open(const rows::schema& columns, std::size_t streams) override {
        std::string why = watcher_.bind(columns);
        if (!why.empty()) {
            failure_ = why;
            co_return make_error_code(errc::malformed_data);
        }
        rows::schema kept = watcher_.kept_schema();
        co_return co_await forwarding_sink::async_open(kept, streams);
    }
    asio::awaitable<result<void>> async_write(std::size_t stream, std::shared_ptr<rows::row_batch> batch) override {
        auto kept = watcher_.process(std::move(batch));
        if (kept->empty()) co_return result<void>{};
        co_return co_await forwarding_sink::async_write(stream, std::move(kept));
    }
    asio::awaitable<result<void>> async_commit() override {
        watcher_.committing();
        co_return co_await forwarding_sink::async_commit();
    }

private:
    row_watcher& watcher_;
};

class watching_source final : public load::row_source {
public:
    watching_source(load::row_source& inner, row_watcher& watcher) : inner_(&inner), watcher_(watcher) {}

    asio::awaitable<result<std::vector<std::string>>> async_open(aws::diagnostics& diag) override {
        auto names = co_await inner_->async_open(diag);
        if (!names) co_return names;
        names_ = *names;
        co_return watcher_.kept_names(names_);
    }
    void set_schema(rows::schema kept) override {
        // The inner source reads every one of its columns: the excluded ones as text.
        rows::schema full;
        if (names_.empty()) {
            full = kept;
        } else {
            for (const auto& name : names_) {
                auto it = std::find_if(kept.begin(), kept.end(), [&](const rows::column& c) { return c.name == name; });
                full.push_back(it != kept.end() ? *it : rows::column{name, "varchar", rows::value_kind::text});
            }
        }
        bind_error_ = watcher_.bind(full);
        inner_->set_schema(std::move(full));
    }
    asio::awaitable<result<std::shared_ptr<rows::row_batch>>> async_next(aws::diagnostics& diag) override {
        if (!bind_error_.empty()) {
            diag.client_note = bind_error_;
            co_return make_error_code(errc::malformed_data);
        }
        for (;;) {
            auto batch = co_await inner_->async_next(diag);
            if (!batch || !*batch) co_return batch;
            auto kept = watcher_.process(std::move(*batch));
            if (!kept->empty()) co_return kept;
        }
    }
    std::uint64_t rows_read() const override { return inner_->rows_read(); }
    // The inner source's types, for the columns kept.
    std::vector<column_type> column_types() const override {
        auto all = inner_->column_types();
        if (all.size() != names_.size()) return all;
        auto kept = watcher_.kept_names(names_);
        std::vector<column_type> out;
        for (std::size_t i = 0, k = 0; i < names_.size(); ++i)
            if (k < kept.size() && names_[i] == kept[k]) {
                out.push_back(all[i]);
                ++k;
            }
        return out;
    }

private:
    load::row_source* inner_;  // not owned: the caller closes it after the load (an extract source)
    row_watcher& watcher_;
    std::vector<std::string> names_;
    std::string bind_error_;
};

}  // namespace

std::unique_ptr<extract::row_sink> make_watching_sink(std::unique_ptr<extract::row_sink> inner, row_watcher& watcher) {
    return std::make_unique<watching_sink>(std::move(inner), watcher);
}

std::unique_ptr<load::row_source> make_watching_source(load::row_source& inner, row_watcher& watcher) {
    return std::make_unique<watching_source>(inner, watcher);
}

}  // namespace shiftsync::transfer::sync
