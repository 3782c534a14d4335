// parse_staging_url: what users type for --staging / `shiftsync sweep`, and the words for mistakes.

#include "transfer/staging/staging_error.hpp"
#include "transfer/staging/staging_location.hpp"

#include <gtest/gtest.h>

namespace {

namespace st = shiftsync::transfer::staging;

TEST(StagingLocation, adds_the_trailing_slash_to_a_prefix) {
    std::string why;
    auto with = st::parse_staging_url("s3://unload-example/stage/extracts/", why);
    ASSERT_TRUE(with) << why;
    EXPECT_EQ(with->bucket, "unload-example");
    EXPECT_EQ(with->prefix, "stage/extracts/");
    auto without = st::parse_staging_url("s3://unload-example/stage/extracts", why);
    ASSERT_TRUE(without) << why;
    EXPECT_EQ(without->prefix, "stage/extracts/");
    EXPECT_EQ(without->url(), "s3://unload-example/stage/extracts/");
}

TEST(StagingLocation, the_bucket_root_is_an_empty_prefix) {
    std::string why;
    for (const char* url : {"s3://unload-example", "s3://unload-example/"}) {
        auto root = st::parse_staging_url(url, why);
        ASSERT_TRUE(root) << url << ": " << why;
        EXPECT_EQ(root->bucket, "unload-example");
        EXPECT_EQ(root->prefix, "");
    }
}

TEST(StagingLocation, says_what_is_wrong) {
    struct bad {
        const char* url;
        const char* mentioned;
    };
    for (const bad& b : {bad{"unload-example/stage/", "s3://BUCKET/PREFIX/"}, bad{"https://unload-example/stage/", "s3://"},
                         bad{"s3://", "no bucket"}, bad{"s3:///stage/", "no bucket"},
                         bad{"s3://my bucket/stage/", "not an S3 bucket name"},
                         bad{"s3://unload-example//stage/", "empty path segment"},
                         bad{"s3://unload-example/stage//x/", "empty path segment"}}) {
        std::string why;
        auto parsed = st::parse_staging_url(b.url, why);
        ASSERT_FALSE(parsed) << b.url;
        EXPECT_EQ(parsed.error(), st::errc::invalid_url);
        EXPECT_NE(why.find(b.mentioned), std::string::npos) << b.url << ": " << why;
    }
}

}  // namespace
