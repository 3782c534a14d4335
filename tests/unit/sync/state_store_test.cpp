// transfer/sync/state_store: every method on a real SQLite file in a temporary directory, the
// schema version check, and files that are not ours. Processes (crash consistency, two writers,
// locks) are in state_store_process_test.cpp.

#include "transfer/sync/state_store.hpp"

#include "tests/unit/sync/state_test_support.hpp"

#include <gtest/gtest.h>

#include <fstream>

namespace {

using shiftsync::transfer::sync::inflight_item;
using shiftsync::transfer::sync::state_store;
using state_test::raw_query;

std::unique_ptr<state_store> open_store(const std::string& path) {
    std::string why;
    auto store = state_store::open(path, why);
    EXPECT_TRUE(store) << why;
    if (!store) return nullptr;
    return std::move(*store);
}

TEST(SyncStateStore, open_creates_directories_schema_and_wal) {
    state_test::temp_dir dir;
    auto path = dir.file("deeper/still/state.db");
    auto store = open_store(path);
    ASSERT_TRUE(store);
    EXPECT_EQ(raw_query(path, "PRAGMA user_version"), "1");
    EXPECT_EQ(raw_query(path, "PRAGMA journal_mode"), "wal");
    EXPECT_EQ(raw_query(path,
                        "SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_master WHERE type = "
                        "'table' ORDER BY name)"),
              "inflight,stream_locks,streams");
    EXPECT_FALSE(store->get("orders"));
    EXPECT_EQ(store->failure(), "");  // absent is not a failure
    EXPECT_TRUE(store->list().empty());
    // A second open of the same file keeps what is there.
    ASSERT_TRUE(store->begin_run("orders", "run-1", 100));
    store.reset();
    auto again = open_store(path);
    ASSERT_TRUE(again);
    ASSERT_TRUE(again->get("orders"));
    EXPECT_EQ(again->get("orders")->pending_run_id, "run-1");
}

TEST(SyncStateStore, a_run_that_commits_moves_the_cursor_and_adds_up_rows) {
    state_test::temp_dir dir;
    auto store = open_store(dir.file("state.db"));
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->begin_run("orders", "run-1", 1000));
    auto s = store->get("orders");
    ASSERT_TRUE(s);
    EXPECT_EQ(s->status, "running");
    EXPECT_EQ(s->pending_run_id, "run-1");
    EXPECT_EQ(s->started_at, 1000);
    EXPECT_FALSE(s->cursor);

    ASSERT_TRUE(store->commit_run("orders", "run-1", "2026-01-02 03:04:05", "updated_at", 50, 4096, 1010, 9.5));
    s = store->get("orders");
    ASSERT_TRUE(s);
    EXPECT_EQ(s->status, "succeeded");
    EXPECT_EQ(s->cursor, "2026-01-02 03:04:05");
    EXPECT_EQ(s->cursor_column, "updated_at");
    EXPECT_EQ(s->last_run_id, "run-1");
    EXPECT_EQ(s->pending_run_id, "");
    EXPECT_EQ(s->rows_last, 50u);
    EXPECT_EQ(s->rows_total, 50u);
    EXPECT_EQ(s->bytes_last, 4096u);
    EXPECT_EQ(s->finished_at, 1010);
    EXPECT_DOUBLE_EQ(s->seconds_last, 9.5);

    ASSERT_TRUE(store->begin_run("orders", "run-2", 2000));
    ASSERT_TRUE(store->commit_run("orders", "run-2", "2026-01-03 00:00:00", "updated_at", 7, 100, 2003, 3));
    s = store->get("orders");
    EXPECT_EQ(s->rows_last, 7u);
    EXPECT_EQ(s->rows_total, 57u);
    EXPECT_EQ(s->started_at, 2000);

    // A full-refresh stream: no cursor at all, and the NULL survives.
    ASSERT_TRUE(store->begin_run("customers", "run-3", 3000));
    ASSERT_TRUE(store->commit_run("customers", "run-3", std::nullopt, "", 10, 10, 3001, 1));
    EXPECT_FALSE(store->get("customers")->cursor);
    auto all = store->list();
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[0].stream, "customers");  // by name
    EXPECT_EQ(all[1].stream, "orders");
}

TEST(SyncStateStore, only_the_pending_run_may_commit_or_fail) {
    state_test::temp_dir dir;
    auto store = open_store(dir.file("state.db"));
    ASSERT_TRUE(store);
    EXPECT_FALSE(store->commit_run("orders", "run-1", "5", "id", 1, 1, 1, 1));  // never began
    EXPECT_NE(store->failure().find("run-1"), std::string::npos) << store->failure();
    ASSERT_TRUE(store->begin_run("orders", "run-2", 10));
    EXPECT_FALSE(store->commit_run("orders", "run-1", "5", "id", 1, 1, 11, 1));
    EXPECT_NE(store->failure().find("run-2"), std::string::npos) << store->failure();
    EXPECT_FALSE(store->fail_run("orders", "run-1", "failed", "boom", 11));
    auto s = store->get("orders");
    EXPECT_FALSE(s->cursor);
    EXPECT_EQ(s->pending_run_id, "run-2");
    EXPECT_EQ(s->status, "running");
    // A reset while run-2 ran: its commit must not bring the cursor back.
    ASSERT_TRUE(store->reset("orders"));
    EXPECT_FALSE(store->commit_run("orders", "run-2", "5", "id", 1, 1, 12, 1));
    EXPECT_FALSE(store->get("orders"));
}

TEST(SyncStateStore, a_failed_run_keeps_the_cursor_and_says_why) {
    state_test::temp_dir dir;
    auto store = open_store(dir.file("state.db"));
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->begin_run("orders", "run-1", 10));
    ASSERT_TRUE(store->commit_run("orders", "run-1", "41", "id", 41, 1, 11, 1));
    ASSERT_TRUE(store->begin_run("orders", "run-2", 20));
    ASSERT_TRUE(store->fail_run("orders", "run-2", "failed", "COPY failed: column id: not a number", 25));
    auto s = store->get("orders");
    EXPECT_EQ(s->status, "failed");
    EXPECT_EQ(s->last_error, "COPY failed: column id: not a number");
    EXPECT_EQ(s->cursor, "41");
    EXPECT_EQ(s->last_run_id, "run-1");
    EXPECT_EQ(s->pending_run_id, "");
    EXPECT_EQ(s->finished_at, 25);
    EXPECT_EQ(s->rows_total, 41u);

    ASSERT_TRUE(store->begin_run("orders", "run-3", 30));
    EXPECT_EQ(store->get("orders")->last_error, "COPY failed: column id: not a number");  // until a run succeeds
    EXPECT_FALSE(store->fail_run("orders", "run-3", "exploded", "x", 31));
    EXPECT_NE(store->failure().find("exploded"), std::string::npos);
    ASSERT_TRUE(store->fail_run("orders", "run-3", "interrupted", "interrupted by SIGTERM", 31));
    EXPECT_EQ(store->get("orders")->status, "interrupted");
    ASSERT_TRUE(store->begin_run("orders", "run-4", 40));
    ASSERT_TRUE(store->commit_run("orders", "run-4", "42", "id", 1, 1, 41, 1));
    EXPECT_EQ(store->get("orders")->last_error, "");
}

TEST(SyncStateStore, the_cache_adopts_the_destinations_cursor) {
    state_test::temp_dir dir;
    auto store = open_store(dir.file("state.db"));
    ASSERT_TRUE(store);
    // A stream this file never saw (a new machine, a deleted state file): the destination knows it.
    ASSERT_TRUE(store->adopt_cursor("orders", "100", "run-a"));
    auto s = store->get("orders");
    EXPECT_EQ(s->cursor, "100");
    EXPECT_EQ(s->last_run_id, "run-a");
    EXPECT_EQ(s->status, "succeeded");
    ASSERT_TRUE(store->adopt_cursor("fresh", std::nullopt, ""));
    EXPECT_EQ(store->get("fresh")->status, "never");

    // Killed after the destination committed run-b, before this file heard of it.
    ASSERT_TRUE(store->begin_run("orders", "run-b", 10));
    ASSERT_TRUE(store->adopt_cursor("orders", "150", "run-b"));
    s = store->get("orders");
    EXPECT_EQ(s->cursor, "150");
    EXPECT_EQ(s->pending_run_id, "");
    EXPECT_EQ(s->status, "succeeded");

    // Killed before the destination committed run-c: the destination still says run-b, and the
    // pending run stays as the evidence of the one that died.
    ASSERT_TRUE(store->begin_run("orders", "run-c", 20));
    ASSERT_TRUE(store->adopt_cursor("orders", "150", "run-b"));
    s = store->get("orders");
    EXPECT_EQ(s->pending_run_id, "run-c");
    EXPECT_EQ(s->status, "running");
    EXPECT_EQ(s->last_run_id, "run-b");
}

TEST(SyncStateStore, reset_forgets_a_stream_and_keeps_its_inflight_items) {
    state_test::temp_dir dir;
    auto store = open_store(dir.file("state.db"));
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->begin_run("orders", "run-1", 10));
    ASSERT_TRUE(store->commit_run("orders", "run-1", "9", "id", 9, 9, 11, 1));
    ASSERT_TRUE(store->begin_run("items", "run-2", 10));
    ASSERT_TRUE(store->add_inflight({"orders", "run-1", "staging_prefix", "stage", "sync/run-1/", "", 10}));
    ASSERT_TRUE(store->reset("orders"));
    EXPECT_FALSE(store->get("orders"));
    ASSERT_TRUE(store->get("items"));
    EXPECT_EQ(store->inflight().size(), 1u);
    EXPECT_FALSE(store->reset("orders"));
    EXPECT_NE(store->failure().find("no stream named orders"), std::string::npos) << store->failure();
    // Begun again after a reset: from nothing.
    ASSERT_TRUE(store->begin_run("orders", "run-3", 20));
    EXPECT_FALSE(store->get("orders")->cursor);
    EXPECT_EQ(store->get("orders")->rows_total, 0u);
}

TEST(SyncStateStore, inflight_items_are_added_replaced_listed_and_removed) {
    state_test::temp_dir dir;
    auto store = open_store(dir.file("state.db"));
    ASSERT_TRUE(store);
    inflight_item prefix{"orders", "run-1", "staging_prefix", "stage", "sync/run-1/", "", 100};
    inflight_item upload{"orders", "run-1", "multipart_upload", "out", "orders/part-0.csv", "upload-xyz", 50};
    ASSERT_TRUE(store->add_inflight(prefix));
    ASSERT_TRUE(store->add_inflight(upload));
    auto items = store->inflight();
    ASSERT_EQ(items.size(), 2u);
    EXPECT_EQ(items[0].kind, "multipart_upload");  // oldest first
    EXPECT_EQ(items[0].upload_id, "upload-xyz");
    EXPECT_EQ(items[0].created_at, 50);
    EXPECT_EQ(items[1].key, "sync/run-1/");
    EXPECT_EQ(items[1].stream, "orders");
    EXPECT_EQ(items[1].run_id, "run-1");

    upload.run_id = "run-2";  // the same upload recorded again replaces the row
    ASSERT_TRUE(store->add_inflight(upload));
    items = store->inflight();
    ASSERT_EQ(items.size(), 2u);
    EXPECT_EQ(items[0].run_id, "run-2");

    ASSERT_TRUE(store->remove_inflight(upload));
    ASSERT_TRUE(store->remove_inflight(upload));  // already gone: fine
    items = store->inflight();
    ASSERT_EQ(items.size(), 1u);
    EXPECT_EQ(items[0].kind, "staging_prefix");

    inflight_item odd = prefix;
    odd.kind = "tarball";
    EXPECT_FALSE(store->add_inflight(odd));
    EXPECT_NE(store->failure().find("tarball"), std::string::npos);
    EXPECT_EQ(store->inflight().size(), 1u);
}

TEST(SyncStateStore, a_newer_schema_is_refused_and_left_untouched) {
    state_test::temp_dir dir;
    auto path = dir.file("state.db");
    raw_query(path, "CREATE TABLE streams (stream TEXT, future TEXT); PRAGMA user_version = 7", true);
    auto before = state_test::file_bytes(path);
    std::string why;
    auto store = state_store::open(path, why);
    ASSERT_FALSE(store);
    EXPECT_NE(why.find("schema version 7"), std::string::npos) << why;
    EXPECT_NE(why.find(path), std::string::npos) << why;
    EXPECT_NE(why.find("newer shiftsync"), std::string::npos) << why;
    EXPECT_EQ(state_test::file_bytes(path), before);  // not even switched to WAL
    EXPECT_EQ(raw_query(path, "PRAGMA journal_mode"), "delete");
}

TEST(SyncStateStore, files_that_are_not_state_files_are_refused_untouched) {
    state_test::temp_dir dir;
    auto text = dir.file("notes.txt");
    {
        std::ofstream out(text);
        out << "these are my notes, not a database, and they are longer than one hundred bytes so SQLite reads a "
               "header from them and finds it wrong\n";
    }
    auto before = state_test::file_bytes(text);
    std::string why;
    EXPECT_FALSE(state_store::open(text, why));
    EXPECT_NE(why.find(text), std::string::npos) << why;
    EXPECT_NE(why.find("not a database"), std::string::npos) << why;
    EXPECT_EQ(state_test::file_bytes(text), before);

    auto other = dir.file("app.db");
    raw_query(other, "CREATE TABLE customers (id INTEGER)", true);
    why.clear();
    EXPECT_FALSE(state_store::open(other, why));
    EXPECT_NE(why.find("not a shiftsync state file"), std::string::npos) << why;
    EXPECT_EQ(raw_query(other, "SELECT count(*) FROM sqlite_master"), "1");
}

TEST(SyncStateStore, a_directory_that_cannot_be_made_is_named) {
    state_test::temp_dir dir;
    auto blocker = dir.file("a-file");
    std::ofstream(blocker) << "x";
    std::string why;
    EXPECT_FALSE(state_store::open(blocker + "/sub/state.db", why));
    EXPECT_NE(why.find(blocker + "/sub"), std::string::npos) << why;
    EXPECT_NE(why.find("--state"), std::string::npos) << why;
    why.clear();
    EXPECT_FALSE(state_store::open("", why));
    EXPECT_NE(why.find("empty"), std::string::npos) << why;
}

TEST(SyncStateStore, the_default_path_follows_xdg_state_home) {
    const char* saved_state = std::getenv("XDG_STATE_HOME");
    std::string saved = saved_state ? saved_state : "";
    ::setenv("XDG_STATE_HOME", "/tmp/xdg-state", 1);
    EXPECT_EQ(state_store::default_path(), "/tmp/xdg-state/shiftsync/state.db");
    ::unsetenv("XDG_STATE_HOME");
    std::string home = std::getenv("HOME") ? std::getenv("HOME") : "";
    if (!home.empty()) {
        EXPECT_EQ(state_store::default_path(), home + "/.local/state/shiftsync/state.db");
    }
    if (saved_state) ::setenv("XDG_STATE_HOME", saved.c_str(), 1);
}

}  // namespace
