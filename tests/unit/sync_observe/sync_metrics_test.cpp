// sync_metrics' exposition read back with a strict parser of the text format: every family has
// # HELP and # TYPE before its samples, label values come back as they went in (escaping), counters
// only grow, and each stream's enumerations (outcomes, phases) are complete from its first mention.
#include "transfer/sync/sync_metrics.hpp"
#include "exposition_check.hpp"

#include <gtest/gtest.h>

#include <thread>

using shiftsync::testing::parse_exposition;
using namespace shiftsync::transfer::sync;

namespace {

std::string errors_of(const shiftsync::testing::exposition& e) {
    std::string all;
    for (const auto& error : e.errors) all += error + "\n";
    return all;
}

}  // namespace

TEST(sync_metrics, every_family_has_help_and_type_even_before_any_stream) {
    sync_metrics m;
    const auto parsed = parse_exposition(m.exposition());
    EXPECT_TRUE(parsed.errors.empty()) << errors_of(parsed);
    for (const char* name : {"shiftsync_rows_total", "shiftsync_bytes_total", "shiftsync_stream_runs_total",
                             "shiftsync_stream_duration_seconds", "shiftsync_stream_phase", "shiftsync_statements_total",
                             "shiftsync_retries_total", "shiftsync_throttles_total", "shiftsync_inflight_bytes",
                             "shiftsync_up"}) {
        ASSERT_TRUE(parsed.families.count(name)) << name;
        EXPECT_FALSE(parsed.families.at(name).help.empty()) << name;
    }
    EXPECT_EQ(parsed.families.at("shiftsync_rows_total").type, "counter");
    EXPECT_EQ(parsed.families.at("shiftsync_inflight_bytes").type, "gauge");
    EXPECT_EQ(parsed.value("shiftsync_up"), 1);
    EXPECT_EQ(parsed.value("shiftsync_retries_total"), 0);
}

TEST(sync_metrics, counts_per_stream_and_globally) {
    sync_metrics m;
    m.add_rows("orders", 1000);
    m.add_rows("orders", 234);
    m.add_bytes("orders", 4096);
    m.add_stream("events");
    m.add_statements(3);
    m.add_retries();
    m.add_throttles(2);
    m.set_inflight_bytes(8 << 20);
    m.add_inflight_bytes(-(1 << 20));
    EXPECT_TRUE(m.run_finished("orders", "succeeded", 1.5));
    EXPECT_TRUE(m.run_finished("events", "failed", 0.25));
    m.set_up(false);

    const auto p = parse_exposition(m.exposition());
    ASSERT_TRUE(p.errors.empty()) << errors_of(p);
    EXPECT_EQ(p.value("shiftsync_rows_total", {{"stream", "orders"}}), 1234);
    EXPECT_EQ(p.value("shiftsync_rows_total", {{"stream", "events"}}), 0);
    EXPECT_EQ(p.value("shiftsync_bytes_total", {{"stream", "orders"}}), 4096);
    EXPECT_EQ(p.value("shiftsync_stream_runs_total", {{"stream", "orders"}, {"outcome", "succeeded"}}), 1);
    EXPECT_EQ(p.value("shiftsync_stream_runs_total", {{"stream", "orders"}, {"outcome", "failed"}}), 0);
    EXPECT_EQ(p.value("shiftsync_stream_runs_total", {{"stream", "events"}, {"outcome", "failed"}}), 1);
    EXPECT_EQ(p.value("shiftsync_stream_duration_seconds", {{"stream", "orders"}}), 1.5);
    EXPECT_EQ(p.value("shiftsync_stream_duration_seconds", {{"stream", "events"}}), 0.25);
    EXPECT_EQ(p.value("shiftsync_statements_total"), 3);
    EXPECT_EQ(p.value("shiftsync_retries_total"), 1);
    EXPECT_EQ(p.value("shiftsync_throttles_total"), 2);
    EXPECT_EQ(p.value("shiftsync_inflight_bytes"), 7 << 20);
    EXPECT_EQ(p.value("shiftsync_up"), 0);
    // Four outcomes per stream, two streams.
    EXPECT_EQ(p.families.at("shiftsync_stream_runs_total").samples.size(), 8u);
}

TEST(sync_metrics, the_phase_gauge_marks_exactly_the_current_phase) {
    sync_metrics m;
    EXPECT_TRUE(m.set_phase("orders", "copy"));
    EXPECT_FALSE(m.set_phase("orders", "coffee"));  // not a phase: nothing changes
    auto p = parse_exposition(m.exposition());
    ASSERT_TRUE(p.errors.empty()) << errors_of(p);
    double ones = 0;
    for (const auto& s : p.families.at("shiftsync_stream_phase").samples) ones += s.value;
    EXPECT_EQ(ones, 1);
    EXPECT_EQ(p.value("shiftsync_stream_phase", {{"stream", "orders"}, {"phase", "copy"}}), 1);
    EXPECT_EQ(p.families.at("shiftsync_stream_phase").samples.size(), stream_phases().size());

    EXPECT_TRUE(m.set_phase("orders", "merge"));
    p = parse_exposition(m.exposition());
    EXPECT_EQ(p.value("shiftsync_stream_phase", {{"stream", "orders"}, {"phase", "copy"}}), 0);
    EXPECT_EQ(p.value("shiftsync_stream_phase", {{"stream", "orders"}, {"phase", "merge"}}), 1);

    // A finished run leaves no phase set.
    EXPECT_TRUE(m.run_finished("orders", "interrupted", 2));
    EXPECT_FALSE(m.run_finished("orders", "exploded", 2));
    p = parse_exposition(m.exposition());
    for (const auto& s : p.families.at("shiftsync_stream_phase").samples) EXPECT_EQ(s.value, 0) << s.labels.at("phase");
    EXPECT_EQ(p.value("shiftsync_stream_runs_total", {{"stream", "orders"}, {"outcome", "interrupted"}}), 1);
}

TEST(sync_metrics, label_values_are_escaped_and_read_back_unchanged) {
    const std::string nasty = "back\\slash \"quoted\"\nnew line, {braces}=x";
    EXPECT_EQ(escape_label_value(nasty), "back\\\\slash \\\"quoted\\\"\\nnew line, {braces}=x");
    sync_metrics m;
    m.add_rows(nasty, 7);
    m.add_rows("plain", 1);
    const std::string text = m.exposition();
    // One line per sample: the newline inside the name must not have split one.
    const auto p = parse_exposition(text);
    ASSERT_TRUE(p.errors.empty()) << errors_of(p) << text;
    EXPECT_EQ(p.value("shiftsync_rows_total", {{"stream", nasty}}), 7);
    EXPECT_EQ(p.value("shiftsync_rows_total", {{"stream", "plain"}}), 1);
}

TEST(sync_metrics, counters_only_grow_between_scrapes) {
    sync_metrics m;
    m.add_rows("a", 5);
    m.run_finished("a", "succeeded", 1);
    const auto before = parse_exposition(m.exposition());
    m.add_rows("a", 10);
    m.add_bytes("a", 1);
    m.add_rows("b", 3);
    m.add_retries(4);
    m.run_finished("a", "failed", 0.5);
    m.set_inflight_bytes(0);  // gauges may fall
    const auto after = parse_exposition(m.exposition());
    ASSERT_TRUE(after.errors.empty()) << errors_of(after);
    std::size_t compared = 0;
    for (const auto& [name, family] : before.families) {
        if (family.type != "counter") continue;
        for (const auto& s : family.samples) {
            const double later = after.value(name, s.labels);
            EXPECT_GE(later, s.value) << name;
            ++compared;
        }
    }
    EXPECT_GT(compared, 5u);
    EXPECT_EQ(after.value("shiftsync_rows_total", {{"stream", "a"}}), 15);
    EXPECT_EQ(after.value("shiftsync_retries_total"), 4);
}

TEST(sync_metrics, counts_from_many_threads_at_once_are_all_kept) {
    sync_metrics m;
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&m, t] {
            for (int i = 0; i < 10000; ++i) {
                m.add_rows(t % 2 ? "odd" : "even", 1);
                m.add_retries();
                if (i % 1000 == 0) (void)m.exposition();
            }
        });
    for (auto& t : threads) t.join();
    const auto p = parse_exposition(m.exposition());
    EXPECT_EQ(p.value("shiftsync_rows_total", {{"stream", "odd"}}), 20000);
    EXPECT_EQ(p.value("shiftsync_rows_total", {{"stream", "even"}}), 20000);
    EXPECT_EQ(p.value("shiftsync_retries_total"), 40000);
}

// The checker itself must catch what it is there to catch (else the tests above prove nothing).
TEST(exposition_check, rejects_broken_texts) {
    EXPECT_FALSE(parse_exposition("x 1\n").errors.empty());                                    // no HELP/TYPE
    EXPECT_FALSE(parse_exposition("# HELP x h\n# TYPE x gauge\nx 1").errors.empty());          // no final newline
    EXPECT_FALSE(parse_exposition("# HELP x h\n# TYPE x gauge\nx{a=\"\\t\"} 1\n").errors.empty());  // bad escape
    EXPECT_FALSE(parse_exposition("# HELP x h\n# TYPE x gauge\nx{a=\"1\"} 1\nx{a=\"1\"} 2\n").errors.empty());
    EXPECT_FALSE(parse_exposition("# HELP x h\n# TYPE x counter\nx -1\n").errors.empty());
    EXPECT_FALSE(parse_exposition("# HELP x h\n# TYPE x gauge\nx one\n").errors.empty());
    EXPECT_FALSE(parse_exposition("# HELP x h\n# TYPE x gauge\nx 1\n# HELP y h\n# TYPE y gauge\ny 1\nx{a=\"b\"} 2\n")
                     .errors.empty());  // split family
    EXPECT_TRUE(parse_exposition("# HELP x h\n# TYPE x gauge\nx{a=\"q\\\"\\n\\\\\"} 1\n").errors.empty());
}
