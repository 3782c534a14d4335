// aws::s3 against S3 servers no one here wrote, each started by its fixture:
//   moto_server (tests/interop/moto/moto_fixture.py), signature checks on;
//   s3rver (s3rver_fixture.py), which checks no signatures and makes non-AWS multipart ETags.
// The fixture sets SHIFTSYNC_S3_URL, _BUCKET, _ACCESS_KEY_ID, _SECRET_ACCESS_KEY, and says what
// the server is able to prove: SHIFTSYNC_S3_ENCODED_KEYS=1 (keys that need percent-encoding work
// there), SHIFTSYNC_S3_AWS_ETAGS=1 (multipart ETags as AWS makes them).

#include "aws/client/service_client.hpp"
#include "aws/s3/checksums.hpp"
#include "aws/s3/s3_client.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>
#include "tests/support/run_until_done.hpp"

#include <cstdlib>
#include <optional>
#include <random>

namespace asio = boost::asio;
using namespace shiftsync;
using namespace shiftsync::aws;
namespace http = shiftsync::engine::http;

namespace {

std::string env_or_throw(const char* name) {
    const char* v = std::getenv(name);
    if (!v || !*v) throw std::runtime_error(std::string(name) + " is not set: run this through a fixture (moto_fixture.py, s3rver_fixture.py)");
    return v;
}

bool flag(const char* name) {
    const char* v = std::getenv(name);
    return v && std::string_view(v) == "1";
}

template <class T>
T run(boost::asio::io_context& ctx, boost::asio::awaitable<T> task) {
    return shiftsync::testing::run_until_done(ctx, std::move(task));
}

std::string random_bytes(std::size_t n, unsigned seed) {
    std::mt19937 rng(seed);
    std::string out(n, '\0');
    for (auto& c : out) c = static_cast<char>(rng());
    return out;
}

class S3Interop : public ::testing::Test {
protected:
    void SetUp() override {
        bucket = env_or_throw("SHIFTSYNC_S3_BUCKET");
        std::string error;
        auto ep = endpoints::resolve(endpoints::service::s3, "us-east-1", {.explicit_url = env_or_throw("SHIFTSYNC_S3_URL")}, error);
        service = std::make_unique<service_client>(
            http, make_static_provider({env_or_throw("SHIFTSYNC_S3_ACCESS_KEY_ID"), secret()}, "interop test user"),
            service_target{endpoints::service::s3, *ep, "us-east-1", wire_protocol::rest_xml});
        s3 = std::make_unique<s3::s3_client>(*service);
    }
    virtual std::string secret() { return env_or_throw("SHIFTSYNC_S3_SECRET_ACCESS_KEY"); }

    std::string put(const std::string& key, std::string body) {
        diagnostics diag;
        auto etag = run(ctx, s3->async_put_object(bucket, key, http::buffer_source::from(std::move(body)),
                                                  {.crc32c = true, .content_md5 = true}, diag));
        EXPECT_TRUE(etag) << diag.to_string();
        return etag ? *etag : "";
    }
    std::string get(const std::string& key, std::optional<s3::byte_range> range = {}) {
        diagnostics diag;
        std::string body;
        auto head = run(ctx, s3->async_get_object(bucket, key, range, http::string_sink{}, diag, &body));
        EXPECT_TRUE(head) << diag.to_string();
        return body;
    }

    std::string bucket;
    asio::io_context ctx;
    http::client http{ctx.get_executor()};
    std::unique_ptr<service_client> service;
    std::unique_ptr<s3::s3_client> s3;
};

}  // namespace

TEST_F(S3Interop, PutGetRangeHead) {
    std::vector<std::string> keys{"plain.txt", "dir/sub-dir/under_score.csv", "tilde~and.dots..gz"};
    // moto decodes the path before checking the signature, so keys that need percent-encoding
    // (space, '+', '=', non-ASCII) fail its check for every client, boto3 included.
    if (flag("SHIFTSYNC_S3_ENCODED_KEYS"))
        for (const char* k : {"dir/with space+plus=eq~tilde.csv", "unicode/\xc3\xa9t\xc3\xa9/\xe2\x82\xac.gz", "semi;colon,comma&amp"})
            keys.push_back(k);
    for (const std::string& key : keys) {
        std::string body = random_bytes(10000, 1);
        std::string etag = put(key, body);
        EXPECT_EQ(etag.size(), 34u) << "a single PUT's ETag is a quoted MD5: " << etag;
        EXPECT_TRUE(get(key) == body) << key;
        EXPECT_TRUE(get(key, s3::byte_range{100, 199}) == body.substr(100, 100)) << key;
        diagnostics diag;
        auto head = run(ctx, s3->async_head_object(bucket, key, diag));
        ASSERT_TRUE(head) << diag.to_string();
        EXPECT_EQ(head->size, 10000u);
        EXPECT_EQ(head->etag, etag);
    }
}

TEST_F(S3Interop, MissingObjectIsNotFound) {
    diagnostics diag;
    auto head = run(ctx, s3->async_head_object(bucket, "no/such/key", diag));
    ASSERT_FALSE(head);
    EXPECT_EQ(head.error(), make_error_code(errc::not_found));
    diagnostics get_diag;
    std::string body;
    auto got = run(ctx, s3->async_get_object(bucket, "no/such/key", std::nullopt, http::string_sink{}, get_diag, &body));
    ASSERT_FALSE(got);
    EXPECT_EQ(get_diag.code, "NoSuchKey");
}

TEST_F(S3Interop, ListPagesPrefixesAndDeletes) {
    std::vector<std::string> keys;
    // Prefixes and delimiters without characters that need encoding: moto decodes the query before
    // checking the signature (boto3 fails the same way with prefix "a/b").
    for (int i = 0; i < 5; ++i) keys.push_back("list.run-1.part_" + std::to_string(i));
    keys.push_back("list.run-2.part_0");
    for (const auto& k : keys) put(k, "x");

    std::vector<std::string> seen;
    std::string token;
    int pages = 0;
    do {
        diagnostics diag;
        auto page = run(ctx, s3->async_list_objects_v2(bucket, {.prefix = "list.run-1.", .continuation_token = token, .max_keys = 2}, diag));
        ASSERT_TRUE(page) << diag.to_string();
        for (const auto& o : page->objects) seen.push_back(o.key);
        token = page->next_continuation_token;
        ++pages;
    } while (!token.empty());
    EXPECT_EQ(pages, 3);
    EXPECT_EQ(seen, std::vector<std::string>(keys.begin(), keys.begin() + 5));

    diagnostics diag;
    auto folders = run(ctx, s3->async_list_objects_v2(bucket, {.prefix = "list.", .delimiter = "."}, diag));
    ASSERT_TRUE(folders) << diag.to_string();
    EXPECT_EQ(folders->common_prefixes, (std::vector<std::string>{"list.run-1.", "list.run-2."}));

    auto failures = run(ctx, s3->async_delete_objects(bucket, keys, diag));
    ASSERT_TRUE(failures) << diag.to_string();
    EXPECT_TRUE(failures->empty());
    auto after = run(ctx, s3->async_list_objects_v2(bucket, {.prefix = "list."}, diag));
    ASSERT_TRUE(after);
    EXPECT_TRUE(after->objects.empty());
}

TEST_F(S3Interop, MultipartUploadOfThreeParts) {
    const std::string key = "multipart/object.bin";
    std::vector<std::string> parts = {random_bytes(5 << 20, 1), random_bytes(5 << 20, 2), random_bytes(1 << 20, 3)};
    diagnostics diag;
    auto upload_id = run(ctx, s3->async_create_multipart_upload(bucket, key, diag));
    ASSERT_TRUE(upload_id) << diag.to_string();
    std::vector<s3::completed_part> done;
    for (int i = 0; i < 3; ++i) {
        auto etag = run(ctx, s3->async_upload_part(bucket, key, *upload_id, i + 1, http::buffer_source::from(parts[i]), diag));
        ASSERT_TRUE(etag) << diag.to_string();
        done.push_back({i + 1, *etag});
    }
    auto etag = run(ctx, s3->async_complete_multipart_upload(bucket, key, *upload_id, done, diag));
    ASSERT_TRUE(etag) << diag.to_string();
    if (flag("SHIFTSYNC_S3_AWS_ETAGS")) {
        EXPECT_NE(etag->find("-3"), std::string::npos) << "a multipart ETag ends with the part count: " << *etag;
    }
    EXPECT_TRUE(get(key) == parts[0] + parts[1] + parts[2]);

    auto deleted = run(ctx, s3->async_delete_object(bucket, key, diag));
    EXPECT_TRUE(deleted) << diag.to_string();
}

class S3InteropWrongSecret : public S3Interop {
    std::string secret() override { return "not-the-secret-at-all"; }
};

TEST_F(S3InteropWrongSecret, SignatureDoesNotMatch) {
    diagnostics diag;
    auto page = run(ctx, s3->async_list_objects_v2(bucket, {}, diag));
    ASSERT_FALSE(page);
    EXPECT_EQ(diag.code, "SignatureDoesNotMatch");
    EXPECT_EQ(page.error(), make_error_code(errc::invalid_credentials));
}
