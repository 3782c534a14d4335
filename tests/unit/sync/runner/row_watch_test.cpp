#include "transfer/sync/published_run.hpp"
#include "transfer/sync/row_watch.hpp"

#include <gtest/gtest.h>

namespace {

using namespace shiftsync::transfer;
using namespace shiftsync::transfer::sync;

rows::schema columns() {
    return {rows::column{"id", "int4", rows::value_kind::integer},
            rows::column{"at", "timestamp", rows::value_kind::timestamp},
            rows::column{"secret", "varchar", rows::value_kind::text}};
}

std::shared_ptr<rows::row_batch> batch(std::initializer_list<std::tuple<const char*, const char*>> rows_in) {
    auto b = std::make_shared<rows::row_batch>(3);
    for (auto [id, at] : rows_in) {
        b->add_value(id);
        if (at) b->add_value(at);
        else b->end_null();
        b->add_value("s");
    }
    return b;
}

TEST(RowWatch, passes_a_batch_untouched_when_nothing_is_dropped) {
    row_watcher w(watch_options{.cursor = "at"});
    ASSERT_EQ(w.bind(columns()), "");
    auto in = batch({{"1", "2026-01-01 00:00:00"}, {"2", "2026-01-02 00:00:00"}});
    auto out = w.process(in);
    EXPECT_EQ(out.get(), in.get());  // no copy
    EXPECT_EQ(w.max_cursor(), "2026-01-02 00:00:00");
}

TEST(RowWatch, excludes_columns_and_drops_rows_below_the_bound_or_null) {
    watch_options o;
    o.cursor = "at";
    o.lower_bound = "2026-01-02 00:00:00";
    o.exclude = {"secret"};
    row_watcher w(o);
    ASSERT_EQ(w.bind(columns()), "");
    ASSERT_EQ(w.kept_schema().size(), 2u);
    auto out = w.process(batch({{"1", "2026-01-01 00:00:00"}, {"2", "2026-01-02 00:00:00"}, {"3", nullptr},
                                {"4", "2026-01-03 00:00:00"}}));
    ASSERT_EQ(out->rows(), 2u);
    EXPECT_EQ(out->columns(), 2u);
    EXPECT_EQ(out->value(0, 0), "2");
    EXPECT_EQ(out->value(1, 1), "2026-01-03 00:00:00");
    EXPECT_EQ(w.rows_below_bound(), 2u);
    EXPECT_EQ(w.rows_kept(), 2u);
}

TEST(RowWatch, names_a_missing_column) {
    row_watcher w(watch_options{.cursor = "updated"});
    EXPECT_NE(w.bind(columns()).find("\"updated\""), std::string::npos);
    row_watcher k(watch_options{.keys = {"nope"}});
    EXPECT_NE(k.bind(columns()).find("\"nope\""), std::string::npos);
    row_watcher e(watch_options{.exclude = {"gone"}});
    EXPECT_NE(e.bind(columns()).find("\"gone\""), std::string::npos);
}

// The files' boundary: the next run drops what this one published at the top of the range, and a row
// dropped that way stays in the boundary for the run after (it is still at the top).
TEST(RowWatch, boundary_drops_republished_rows_across_runs) {
    watch_options first_options{.cursor = "at", .keys = {"id"}, .collect_boundary = true};
    row_watcher first(first_options);
    ASSERT_EQ(first.bind(columns()), "");
    first.process(batch({{"1", "2026-01-01 00:00:00"}, {"2", "2026-01-01 00:00:05"}, {"3", "2026-01-01 00:00:05"}}));
    boundary_set b1 = first.take_boundary();
    EXPECT_EQ(b1.entries.size(), 2u);  // lookback 0: only the rows at the top value

    // Round trip through _SUCCESS.json.
    published_run run{"s", "r1", "at", "timestamp", std::string("2026-01-01 00:00:05"), 3, {}, b1};
    std::string why;
    auto decoded = decode_published(encode_published(run), why);
    ASSERT_TRUE(decoded) << why;
    EXPECT_EQ(decoded->boundary.hashes, b1.hashes);

    // Second run reads >= the top again: nothing new.
    row_watcher second(watch_options{.cursor = "at", .lower_bound = std::string("2026-01-01 00:00:05"), .keys = {"id"},
                                     .previous = &decoded->boundary, .collect_boundary = true});
    ASSERT_EQ(second.bind(columns()), "");
    auto out2 = second.process(batch({{"2", "2026-01-01 00:00:05"}, {"3", "2026-01-01 00:00:05"}}));
    EXPECT_EQ(out2->rows(), 0u);
    EXPECT_EQ(second.rows_already_published(), 2u);
    boundary_set b2 = second.take_boundary();
    EXPECT_EQ(b2.entries.size(), 2u);

    // Third: a late tie and an update of row 2 (a new cursor value) arrive.
    row_watcher third(watch_options{.cursor = "at", .lower_bound = std::string("2026-01-01 00:00:05"), .keys = {"id"},
                                    .previous = &b2, .collect_boundary = true});
    ASSERT_EQ(third.bind(columns()), "");
    auto out3 = third.process(batch({{"2", "2026-01-01 00:00:09"}, {"3", "2026-01-01 00:00:05"}, {"4", "2026-01-01 00:00:05"}}));
    ASSERT_EQ(out3->rows(), 2u);
    EXPECT_EQ(out3->value(0, 0), "2");
    EXPECT_EQ(out3->value(1, 0), "4");
}

TEST(RowWatch, boundary_keeps_the_lookback_window) {
    row_watcher w(watch_options{.cursor = "at", .keys = {"id"}, .lookback = {60, 0}, .collect_boundary = true});
    ASSERT_EQ(w.bind(columns()), "");
    w.process(batch({{"1", "2026-01-01 00:00:00"}, {"2", "2026-01-01 00:01:30"}, {"3", "2026-01-01 00:02:00"}}));
    auto b = w.take_boundary();
    ASSERT_EQ(b.entries.size(), 2u);  // 00:01:00 and later
    EXPECT_EQ(b.entries[0].second, "2026-01-01 00:01:30");
}

}  // namespace
