#include "transfer/s3/recursive.hpp"

#include <gtest/gtest.h>

namespace ts = shiftsync::transfer::s3;

TEST(as_prefix, adds_one_slash) {
    EXPECT_EQ(ts::as_prefix(""), "");
    EXPECT_EQ(ts::as_prefix("a/b"), "a/b/");
    EXPECT_EQ(ts::as_prefix("a/b/"), "a/b/");
}

TEST(local_path_for, maps_keys_under_the_directory) {
    EXPECT_EQ(ts::local_path_for("/tmp/d", "x/y.csv"), "/tmp/d/x/y.csv");
    EXPECT_EQ(ts::local_path_for("/tmp/d", "a b/ü+=%.txt"), "/tmp/d/a b/ü+=%.txt");
}

TEST(local_path_for, refuses_keys_that_leave_it) {
    EXPECT_FALSE(ts::local_path_for("/tmp/d", "../etc/passwd"));
    EXPECT_FALSE(ts::local_path_for("/tmp/d", "x/../../y"));
    EXPECT_FALSE(ts::local_path_for("/tmp/d", "/etc/passwd"));
    EXPECT_FALSE(ts::local_path_for("/tmp/d", ""));
}

#include "transfer/s3/s3_url.hpp"

TEST(s3_url, parses_bucket_and_key) {
    auto u = ts::parse_s3_url("s3://b/a/b c.csv");
    ASSERT_TRUE(u);
    EXPECT_EQ(u->bucket, "b");
    EXPECT_EQ(u->key, "a/b c.csv");
    EXPECT_EQ(ts::parse_s3_url("s3://b")->key, "");
    EXPECT_EQ(ts::parse_s3_url("s3://b/")->key, "");
    EXPECT_FALSE(ts::parse_s3_url("s3:///k"));
    EXPECT_FALSE(ts::parse_s3_url("/tmp/x"));
    EXPECT_EQ(ts::key_basename("a/b/c.csv"), "c.csv");
    EXPECT_EQ(ts::key_basename("c.csv"), "c.csv");
}
