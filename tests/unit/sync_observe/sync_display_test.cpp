// The sync command's reporter: JSON lines that parse and carry their fields, text lines and the
// summary table, the terminal's live lines and their redraw limit, and redaction of every string.
// Time comes from a fake clock the tests move by hand.
#include "tools/shiftsync/output/duration.hpp"
#include "tools/shiftsync/output/sync_display.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <cstdio>
#include <regex>

using namespace shiftsync::cli;
using namespace std::chrono_literals;

namespace {

// What a display wrote, read back from a memory stream.
class capture {
public:
    capture() : file_(::open_memstream(&data_, &size_)) {}
    ~capture() {
        std::fclose(file_);
        std::free(data_);
    }
    FILE* file() const { return file_; }
    std::string text() {
        std::fflush(file_);
        return std::string(data_, size_);
    }
    std::vector<std::string> lines() {
        std::vector<std::string> out;
        const std::string all = text();
        for (std::size_t at = 0; at < all.size();) {
            const auto eol = all.find('\n', at);
            out.push_back(all.substr(at, eol - at));
            at = eol == std::string::npos ? all.size() : eol + 1;
        }
        return out;
    }

private:
    char* data_ = nullptr;
    std::size_t size_ = 0;
    FILE* file_;
};

struct fake_clock {
    std::chrono::system_clock::time_point now = std::chrono::system_clock::time_point{} + 1714564800s;  // 2024-05-01
    sync_display::clock_fn fn() {
        return [this] { return now; };
    }
};

// The config's interpolated secret, and a redactor that knows it (as the runner's will).
const std::string secret = "hunter2-s3cr3t";
std::string redact(std::string_view text) {
    std::string out(text);
    for (auto at = out.find(secret); at != std::string::npos; at = out.find(secret, at)) out.replace(at, secret.size(), "***");
    return out;
}

// A run with two streams, one failing, the secret planted in every kind of string.
void play_run(sync_display& d, fake_clock& clock) {
    d.run_started("run-" + secret, 2, 2);
    d.stream_started("orders", "incremental upsert, cursor updated_at >= '2024-01-01' password=" + secret);
    d.stream_started("events", "full refresh");
    d.phase("orders", "extract");
    for (int i = 1; i <= 30; ++i) {  // 3 s of progress, every 100 ms
        clock.now += 100ms;
        d.progress("orders", i * 1000, i * 65536);
    }
    d.retry("events", "ExecuteStatement after " + secret, "req-1");
    d.warning("orders", "column \"note\" truncated; token " + secret);
    d.phase("orders", "merge");
    d.stream_finished({.stream = "orders", .status = "succeeded", .rows = 30000, .bytes = 30 * 65536, .seconds = 3.0,
                       .cursor_before = "2024-01-01", .cursor_after = "2024-05-01 " + secret});
    d.stream_finished({.stream = "events", .status = "failed", .seconds = 0.5,
                       .error = "AccessDenied: not authorized with key " + secret, .request_id = "req-2"});
    d.run_finished(1);
}

}  // namespace

TEST(sync_display_json, every_line_is_an_object_with_its_fields_and_no_secret) {
    capture out;
    fake_clock clock;
    sync_display d(out.file(), false, log_format::json, redact, clock.fn());
    play_run(d, clock);
    const std::regex rfc3339(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)");
    std::map<std::string, std::vector<boost::json::object>> by_event;
    for (const auto& line : out.lines()) {
        if (line.empty()) continue;
        EXPECT_EQ(line.find(secret), std::string::npos) << line;
        boost::system::error_code ec;
        auto v = boost::json::parse(line, ec);
        ASSERT_FALSE(ec) << line;
        ASSERT_TRUE(v.is_object()) << line;
        const auto& o = v.as_object();
        ASSERT_TRUE(o.contains("ts") && o.contains("event") && o.contains("run_id")) << line;
        EXPECT_TRUE(std::regex_match(std::string(o.at("ts").as_string()), rfc3339)) << line;
        EXPECT_EQ(o.at("run_id").as_string(), "run-***");
        by_event[std::string(o.at("event").as_string())].push_back(o);
    }
    for (const char* e : {"run_start", "stream_start", "phase", "progress", "retry", "warning", "stream_end", "run_end"})
        EXPECT_TRUE(by_event.count(e)) << e;
    EXPECT_EQ(by_event["run_start"][0].at("streams").as_int64(), 2);
    EXPECT_EQ(by_event["stream_start"].size(), 2u);
    EXPECT_EQ(by_event["stream_start"][0].at("stream").as_string(), "orders");
    EXPECT_NE(by_event["stream_start"][0].at("detail").as_string().find("password=***"), std::string::npos);
    EXPECT_EQ(by_event["retry"][0].at("request_id").as_string(), "req-1");
    EXPECT_EQ(by_event["warning"][0].at("message").as_string(), "column \"note\" truncated; token ***");
    const auto& failed = by_event["stream_end"][1];
    EXPECT_EQ(failed.at("status").as_string(), "failed");
    EXPECT_EQ(failed.at("error").as_string(), "AccessDenied: not authorized with key ***");
    EXPECT_EQ(failed.at("request_id").as_string(), "req-2");
    EXPECT_TRUE(failed.at("cursor_after").is_null());
    const auto& ok = by_event["stream_end"][0];
    EXPECT_EQ(ok.at("rows").to_number<std::uint64_t>(), 30000u);
    EXPECT_EQ(ok.at("cursor_after").as_string(), "2024-05-01 ***");
    const auto& end = by_event["run_end"][0];
    EXPECT_EQ(end.at("exit_code").as_int64(), 1);
    EXPECT_EQ(end.at("succeeded").to_number<std::uint64_t>(), 1u);
    EXPECT_EQ(end.at("failed").to_number<std::uint64_t>(), 1u);
    EXPECT_EQ(end.at("rows").to_number<std::uint64_t>(), 30000u);
    EXPECT_EQ(end.at("retries").to_number<std::uint64_t>(), 1u);
    // JSON logs carry no table.
    EXPECT_EQ(out.text().find("STREAM"), std::string::npos);
}

TEST(sync_display_json, progress_events_are_at_least_a_second_apart_per_stream) {
    capture out;
    fake_clock clock;
    sync_display d(out.file(), false, log_format::json, redact, clock.fn());
    play_run(d, clock);
    std::vector<std::string> stamps;
    for (const auto& line : out.lines())
        if (line.find("\"event\":\"progress\"") != std::string::npos)
            stamps.push_back(std::string(boost::json::parse(line).at("ts").as_string()));
    // 3 s of progress reported every 100 ms: one event a second, the first a second in.
    ASSERT_EQ(stamps.size(), 3u);
    EXPECT_EQ(stamps[0], "2024-05-01T12:00:01.000Z");
    EXPECT_EQ(stamps[1], "2024-05-01T12:00:02.000Z");
    EXPECT_EQ(stamps[2], "2024-05-01T12:00:03.000Z");
}

TEST(sync_display_text, one_line_per_event_then_the_summary_table) {
    capture out;
    fake_clock clock;
    sync_display d(out.file(), false, log_format::text, redact, clock.fn());
    play_run(d, clock);
    const std::string text = out.text();
    EXPECT_EQ(text.find(secret), std::string::npos) << text;
    EXPECT_NE(text.find("2024-05-01T12:00:00.000Z run_start streams=2 max_parallel=2\n"), std::string::npos) << text;
    EXPECT_NE(text.find(" stream_end stream=events status=failed rows=0 bytes=0 seconds=0.5 error=\"AccessDenied: not "
                        "authorized with key ***\" request_id=req-2\n"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find(" warning stream=orders message=\"column \\\"note\\\" truncated; token ***\"\n"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("STREAM  STATUS"), std::string::npos) << text;
    EXPECT_NE(text.find("2 streams: 1 failed, 1 succeeded; 30,000 rows, 1.88 MiB in 3.0 s; 1 retry; exit 1\n"),
              std::string::npos)
        << text;
    // Text progress is for people: not more than one line every 10 s (none in this 3 s run).
    EXPECT_EQ(text.find(" progress "), std::string::npos) << text;
    // No terminal control codes in a log.
    EXPECT_EQ(text.find('\033'), std::string::npos);
}

TEST(sync_summary, a_table_with_aligned_columns_and_notes) {
    const std::vector<stream_outcome> outcomes{
        {.stream = "orders", .status = "succeeded", .rows = 1234567, .bytes = 3 << 20, .seconds = 2.0,
         .cursor_before = "10", .cursor_after = "20"},
        {.stream = "e", .status = "failed", .seconds = 75, .error = std::string(200, 'x'), .request_id = "r1"},
        {.stream = "skipped_one", .status = "skipped", .detail = "not selected"}};
    const std::string table = format_summary_table(outcomes, {.exit_code = 1, .seconds = 77, .retries = 2}, 20);
    EXPECT_EQ(table,
              "STREAM       STATUS          ROWS     BYTES   TIME        RATE  NOTE\n"
              "orders       succeeded  1,234,567  3.00 MiB  2.0 s  1.50 MiB/s  cursor 10 -> 20\n"
              "e            failed             0       0 B  1m15s           -  xxxxxxxxxxxxxxxxx...\n"
              "skipped_one  skipped            0       0 B  0.0 s           -  not selected\n"
              "3 streams: 1 failed, 1 skipped, 1 succeeded; 1,234,567 rows, 3.00 MiB in 1m17s; 2 retries; exit 1\n");
}

TEST(sync_display_tty, live_lines_are_redrawn_in_place_at_most_four_times_a_second) {
    capture out;
    fake_clock clock;
    sync_display d(out.file(), true, log_format::text, redact, clock.fn());
    d.run_started("r1", 1, 1);
    d.stream_started("orders", "full refresh");
    const auto drawn_before = out.text().size();
    for (int i = 0; i < 100; ++i) d.progress("orders", i, i * 10);  // no time passes: no redraw
    EXPECT_EQ(out.text().size(), drawn_before);
    clock.now += 300ms;
    d.progress("orders", 500, 5 << 20);
    std::string text = out.text();
    EXPECT_GT(text.size(), drawn_before);
    // The redraw goes back over the one live line, and shows the counts.
    EXPECT_NE(text.find("\r\033[1A\033[J  orders  starting  500 rows  5.00 MiB"), std::string::npos) << text;
    clock.now += 1s;
    d.stream_finished({.stream = "orders", .status = "succeeded", .rows = 500, .bytes = 5 << 20, .seconds = 1.3});
    d.run_finished(0);
    text = out.text();
    EXPECT_NE(text.find("orders: succeeded, 500 rows, 5.00 MiB in 1.3 s\n"), std::string::npos) << text;
    EXPECT_NE(text.find("STREAM  STATUS"), std::string::npos);
    EXPECT_NE(text.find("1 stream: 1 succeeded; 500 rows"), std::string::npos) << text;
}

TEST(sync_display, a_stream_never_finished_is_reported_interrupted) {
    capture out;
    fake_clock clock;
    sync_display d(out.file(), false, log_format::json, nullptr, clock.fn());
    d.run_started("r1", 1, 1);
    d.stream_started("orders", "");
    d.progress("orders", 10, 100);
    d.run_finished(130);
    const auto lines = out.lines();
    bool seen = false;
    for (const auto& line : lines)
        if (line.find("\"stream_end\"") != std::string::npos) {
            EXPECT_NE(line.find("\"status\":\"interrupted\""), std::string::npos) << line;
            EXPECT_NE(line.find("\"rows\":10"), std::string::npos) << line;
            seen = true;
        }
    EXPECT_TRUE(seen);
}

TEST(format_seconds, reads_like_a_person_writes_it) {
    EXPECT_EQ(format_seconds(0.04), "0.0 s");
    EXPECT_EQ(format_seconds(42.14), "42.1 s");
    EXPECT_EQ(format_seconds(59.99), "1m00s");
    EXPECT_EQ(format_seconds(185), "3m05s");
    EXPECT_EQ(format_seconds(7620), "2h07m");
    EXPECT_EQ(format_seconds(-3), "0.0 s");
    EXPECT_EQ(with_thousands(0), "0");
    EXPECT_EQ(with_thousands(999), "999");
    EXPECT_EQ(with_thousands(1000), "1,000");
    EXPECT_EQ(with_thousands(1234567), "1,234,567");
}
