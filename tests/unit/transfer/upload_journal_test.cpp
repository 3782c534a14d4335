#include "transfer/s3/upload_journal.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace ts = shiftsync::transfer::s3;
namespace fs = std::filesystem;

namespace {

struct journal_test : ::testing::Test {
    fs::path dir = fs::temp_directory_path() / ("journal-test-" + std::to_string(::getpid()) + "-" +
                                                ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::string path = (dir / "state" / "incomplete-uploads.jsonl").string();
    void TearDown() override { fs::remove_all(dir); }
};

}  // namespace

TEST_F(journal_test, a_missing_file_is_an_empty_journal) {
    ts::upload_journal journal(path);
    auto open = journal.open_entries();
    ASSERT_TRUE(open);
    EXPECT_TRUE(open->empty());
}

TEST_F(journal_test, started_uploads_stay_open_until_finished) {
    ts::upload_journal journal(path);
    ASSERT_TRUE(journal.record_started({"b", "k1", "u1", "2026-12-01T00:00:00Z"}));
    ASSERT_TRUE(journal.record_started({"b", "k2", "u2", "2026-12-01T00:00:01Z"}));
    ASSERT_TRUE(journal.record_finished("b", "k1", "u1"));
    auto open = journal.open_entries();
    ASSERT_TRUE(open);
    ASSERT_EQ(open->size(), 1u);
    EXPECT_EQ((*open)[0].key, "k2");
    EXPECT_EQ((*open)[0].upload_id, "u2");
    EXPECT_EQ((*open)[0].time, "2026-12-01T00:00:01Z");
}

TEST_F(journal_test, forget_drops_the_given_uploads_and_every_finished_pair) {
    ts::upload_journal journal(path);
    ASSERT_TRUE(journal.record_started({"b", "k1", "u1", "t"}));
    ASSERT_TRUE(journal.record_started({"b", "k2", "u2", "t"}));
    ASSERT_TRUE(journal.record_started({"b", "k3", "u3", "t"}));
    ASSERT_TRUE(journal.record_finished("b", "k3", "u3"));
    ASSERT_TRUE(journal.forget({{"b", "k1", "u1", "t"}}));
    auto open = journal.open_entries();
    ASSERT_TRUE(open);
    ASSERT_EQ(open->size(), 1u);
    EXPECT_EQ((*open)[0].upload_id, "u2");
    std::ifstream in(path);
    std::string all((std::istreambuf_iterator<char>(in)), {});
    EXPECT_EQ(all.find("u3"), std::string::npos);  // compacted
}

TEST_F(journal_test, a_line_cut_short_by_a_crash_is_ignored) {
    ts::upload_journal journal(path);
    ASSERT_TRUE(journal.record_started({"b", "k1", "u1", "t"}));
    {
        std::ofstream out(path, std::ios::app);
        out << "{\"event\":\"started\",\"bucket\":\"b\",\"ke";
    }
    auto open = journal.open_entries();
    ASSERT_TRUE(open);
    EXPECT_EQ(open->size(), 1u);
}

TEST(journal_default_path, follows_xdg_state_home) {
    ::setenv("XDG_STATE_HOME", "/tmp/xdg-state", 1);
    EXPECT_EQ(ts::upload_journal::default_path(), "/tmp/xdg-state/shiftsync/incomplete-uploads.jsonl");
    ::unsetenv("XDG_STATE_HOME");
    ::setenv("HOME", "/home/someone", 1);
    EXPECT_EQ(ts::upload_journal::default_path(), "/home/someone/.local/state/shiftsync/incomplete-uploads.jsonl");
}
