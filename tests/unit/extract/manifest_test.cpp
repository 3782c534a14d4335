#include "transfer/extract/manifest.hpp"
#include "transfer/extract/extract.hpp"

#include <gtest/gtest.h>

using namespace shiftsync::transfer::extract;

TEST(Manifest, VerboseManifestEntriesAndTotals) {
    std::string why;
    auto m = parse_manifest(R"({"entries":[{"url":"s3://b/p/0000_part_00.gz","meta":{"content_length":120,"record_count":3}},
        {"url":"s3://b/p/0001_part_00.gz","meta":{"content_length":20,"record_count":0}}],
        "schema":{"elements":[]},"meta":{"content_length":140,"record_count":3}})", why);
    ASSERT_TRUE(m) << why;
    ASSERT_EQ(m->entries.size(), 2u);
    EXPECT_EQ(m->entries[0].bucket, "b");
    EXPECT_EQ(m->entries[0].key, "p/0000_part_00.gz");
    EXPECT_EQ(m->entries[0].content_length, 120u);
    EXPECT_EQ(m->entries[1].record_count, 0u);
    EXPECT_EQ(m->record_count, 3u);
}

TEST(Manifest, WhatIsNotAManifestSaysWhy) {
    std::string why;
    EXPECT_FALSE(parse_manifest("[]", why));
    EXPECT_FALSE(parse_manifest(R"({"entries":[{"url":"s3://b/k"}]})", why));
    EXPECT_NE(why.find("MANIFEST VERBOSE"), std::string::npos);
    EXPECT_FALSE(parse_manifest(R"({"entries":[{"url":"http://x/y","meta":{"content_length":1}}]})", why));
}

TEST(PlanEstimate, ReadsRowsAndWidthOfTheTopNode) {
    auto e = parse_plan_estimate("XN Seq Scan on sales  (cost=0.00..1724.56 rows=172456 width=53)");
    ASSERT_TRUE(e);
    EXPECT_EQ(e->rows, 172456u);
    EXPECT_EQ(e->width, 53u);
    EXPECT_FALSE(parse_plan_estimate("Result"));
}
