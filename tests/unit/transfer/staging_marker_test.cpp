// The run id and the run marker (transfer/staging/run_marker.hpp): their formats, and a parser that
// refuses every marker a sweep must not act on.

#include "transfer/staging/run_marker.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

namespace {

namespace st = shiftsync::transfer::staging;
using namespace std::chrono_literals;
using clock_type = std::chrono::system_clock;

clock_type::time_point at(int y, unsigned mo, unsigned d, int h, int mi, int s) {
    using namespace std::chrono;
    return sys_days{year{y} / month{mo} / day{d}} + hours{h} + minutes{mi} + seconds{s};
}

st::run_marker sample() {
    st::run_marker m;
    m.run_id = "20261202T143324Z-9f86d081884c7d65";
    m.host = "worker-7";
    m.pid = 4242;
    m.started = at(2026, 12, 2, 14, 33, 24);
    m.purpose = "extract";
    m.process_start_ticks = 123456789;
    m.boot_id = "0f0c8a4e-1c55-4c4c-9a57-3e1f1f7a2b11";
    m.pid_namespace = "pid:[4026531836]";
    return m;
}

TEST(StagingRunId, is_utc_time_then_sixteen_hex_digits) {
    EXPECT_EQ(st::make_run_id(at(2026, 12, 2, 14, 33, 24) + 999ms, 0x9f86d081884c7d65), "20261202T143324Z-9f86d081884c7d65");
    EXPECT_EQ(st::make_run_id(at(2027, 1, 5, 3, 4, 5), 1), "20270105T030405Z-0000000000000001");
    EXPECT_TRUE(st::is_run_id("20261202T143324Z-9f86d081884c7d65"));
}

TEST(StagingRunId, sorts_by_start_time) {
    std::vector<std::string> ids{st::make_run_id(at(2026, 12, 2, 14, 0, 0), ~0ull), st::make_run_id(at(2026, 12, 2, 9, 0, 0), 5),
                                 st::make_run_id(at(2026, 12, 10, 0, 0, 0), 0), st::make_run_id(at(2026, 11, 30, 23, 59, 59), 7)};
    std::sort(ids.begin(), ids.end());
    EXPECT_EQ(ids[0].substr(0, 16), "20261130T235959Z");
    EXPECT_EQ(ids[1].substr(0, 16), "20261202T090000Z");
    EXPECT_EQ(ids[2].substr(0, 16), "20261202T140000Z");
    EXPECT_EQ(ids[3].substr(0, 16), "20261210T000000Z");
}

TEST(StagingRunId, new_ids_are_well_formed_and_distinct) {
    std::set<std::string> seen;
    for (int i = 0; i < 1000; ++i) {
        auto id = st::new_run_id();
        EXPECT_TRUE(st::is_run_id(id)) << id;
        seen.insert(id);
    }
    EXPECT_EQ(seen.size(), 1000u);  // the same second, a thousand times: the random part differs
}

TEST(StagingRunId, other_folder_names_are_not_run_ids) {
    for (const char* text : {"", "exports", "20261202T143324Z", "20261202T143324Z-9f86d081884c7d6",
                             "20261202T143324Z-9f86d081884c7d655", "20261202T143324Z-9F86D081884C7D65",
                             "20261202X143324Z-9f86d081884c7d65", "2026120aT143324Z-9f86d081884c7d65",
                             "20261202T143324Z_9f86d081884c7d65", "20261202T143324Z-9f86d081884c7d6g"})
        EXPECT_FALSE(st::is_run_id(text)) << text;
}

TEST(StagingMarker, round_trips_every_field) {
    auto m = sample();
    std::string why;
    auto back = st::parse_marker(st::encode_marker(m), why);
    ASSERT_TRUE(back) << why;
    EXPECT_EQ(back->run_id, m.run_id);
    EXPECT_EQ(back->host, m.host);
    EXPECT_EQ(back->pid, m.pid);
    EXPECT_EQ(back->started, m.started);
    EXPECT_EQ(back->purpose, m.purpose);
    EXPECT_EQ(back->process_start_ticks, m.process_start_ticks);
    EXPECT_EQ(back->boot_id, m.boot_id);
    EXPECT_EQ(back->pid_namespace, m.pid_namespace);
}

TEST(StagingMarker, is_json_with_the_documented_names) {
    auto value = boost::json::parse(st::encode_marker(sample()));
    const auto& o = value.as_object();
    EXPECT_EQ(o.at("tool").as_string(), "shiftsync");
    EXPECT_EQ(o.at("host").as_string(), "worker-7");
    EXPECT_EQ(o.at("pid").to_number<std::int64_t>(), 4242);
    EXPECT_EQ(o.at("started").as_string(), "2026-12-02T14:33:24Z");
    EXPECT_EQ(o.at("purpose").as_string(), "extract");
    EXPECT_EQ(o.at("run_id").as_string(), "20261202T143324Z-9f86d081884c7d65");
}

TEST(StagingMarker, the_optional_fields_may_be_missing) {
    std::string why;
    auto m = st::parse_marker(R"({"tool":"shiftsync","run_id":"r","host":"h","pid":7,"started":"2026-12-02T14:33:24Z"})", why);
    ASSERT_TRUE(m) << why;
    EXPECT_EQ(m->purpose, "");
    EXPECT_FALSE(m->process_start_ticks);
    EXPECT_EQ(m->boot_id, "");
    EXPECT_EQ(m->pid_namespace, "");
    // Unknown fields (a later version's) are ignored.
    EXPECT_TRUE(st::parse_marker(R"({"tool":"shiftsync","run_id":"r","host":"h","pid":7,"started":"2026-12-02T14:33:24Z","heartbeat":1})", why));
}

TEST(StagingMarker, refuses_what_a_sweep_must_not_act_on) {
    struct bad {
        const char* json;
        const char* mentioned;
    };
    for (const bad& b : {
             bad{"not json", "not a JSON object"},
             bad{"[1]", "not a JSON object"},
             bad{R"({"run_id":"r","host":"h","pid":7,"started":"2026-12-02T14:33:24Z"})", "tool"},
             bad{R"({"tool":"other","run_id":"r","host":"h","pid":7,"started":"2026-12-02T14:33:24Z"})", "tool"},
             bad{R"({"tool":"shiftsync","host":"h","pid":7,"started":"2026-12-02T14:33:24Z"})", "run_id"},
             bad{R"({"tool":"shiftsync","run_id":"r","host":"","pid":7,"started":"2026-12-02T14:33:24Z"})", "host"},
             bad{R"({"tool":"shiftsync","run_id":"r","host":"h","started":"2026-12-02T14:33:24Z"})", "pid"},
             // kill(0, …) and kill(-1, …) address process groups: such a pid is never trusted.
             bad{R"({"tool":"shiftsync","run_id":"r","host":"h","pid":0,"started":"2026-12-02T14:33:24Z"})", "pid"},
             bad{R"({"tool":"shiftsync","run_id":"r","host":"h","pid":-1,"started":"2026-12-02T14:33:24Z"})", "pid"},
             bad{R"({"tool":"shiftsync","run_id":"r","host":"h","pid":"7","started":"2026-12-02T14:33:24Z"})", "pid"},
             bad{R"({"tool":"shiftsync","run_id":"r","host":"h","pid":1.5,"started":"2026-12-02T14:33:24Z"})", "pid"},
             bad{R"({"tool":"shiftsync","run_id":"r","host":"h","pid":4294967297,"started":"2026-12-02T14:33:24Z"})", "pid"},
             bad{R"({"tool":"shiftsync","run_id":"r","host":"h","pid":7})", "started"},
             bad{R"({"tool":"shiftsync","run_id":"r","host":"h","pid":7,"started":"yesterday"})", "started"},
         }) {
        std::string why;
        EXPECT_FALSE(st::parse_marker(b.json, why)) << b.json;
        EXPECT_NE(why.find(b.mentioned), std::string::npos) << b.json << ": " << why;
    }
}

TEST(StagingUtc, formats_and_parses_iso_8601) {
    EXPECT_EQ(st::format_utc(at(2026, 12, 2, 14, 33, 24) + 500ms), "2026-12-02T14:33:24Z");
    EXPECT_EQ(st::format_utc(at(1999, 1, 1, 0, 0, 0)), "1999-01-01T00:00:00Z");
    EXPECT_EQ(st::parse_utc("2026-12-02T14:33:24Z"), at(2026, 12, 2, 14, 33, 24));
    EXPECT_EQ(st::parse_utc("2026-12-02T14:33:24.123456Z"), at(2026, 12, 2, 14, 33, 24));
    EXPECT_EQ(st::parse_utc("2026-12-02T14:33:24+00:00"), at(2026, 12, 2, 14, 33, 24));
    EXPECT_EQ(st::parse_utc("2028-02-29T00:00:00Z"), at(2028, 2, 29, 0, 0, 0));
    for (const char* text : {"", "2026-12-02", "2026-12-02T14:33:24", "2026-12-02T14:33:24+01:00", "2026-13-02T14:33:24Z",
                             "2026-02-30T14:33:24Z", "2026-12-02T24:00:00Z", "2026-12-02 14:33:24Z", "2026-12-02T14:33:24.Z",
                             "2026-12-02T14:33:24Zjunk"})
        EXPECT_FALSE(st::parse_utc(text)) << text;
}

}  // namespace
