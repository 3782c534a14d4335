// The on-disk store: atomic visibility, key safety, restart, and multipart assembly.
#include "tools/localaws/s3/checksums.hpp"
#include "tools/localaws/s3/disk_store.hpp"
#include "tools/localaws/s3/multipart_store.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <random>

namespace localaws::s3 {
namespace {
namespace fs = std::filesystem;

class DiskStore : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("localaws-unit-" + std::to_string(std::random_device{}()));
        store_ = std::make_unique<disk_store>(dir_);
        ASSERT_FALSE(store_->create_bucket("bucket", "111122223333", "us-east-1"));
    }
    void TearDown() override {
        store_.reset();
        fs::remove_all(dir_);
    }
    std::error_code put(std::string_view key, std::string_view data) {
        std::error_code ec;
        auto w = store_->create("bucket", key, ec);
        if (!w) return ec;
        if ((ec = w->write(std::as_bytes(std::span(data))))) return ec;
        return w->commit();
    }
    std::string get(std::string_view key) {
        std::error_code ec;
        auto r = store_->open("bucket", key, ec);
        if (!r) return "<missing>";
        std::string out(r->info().size, '\0');
        std::size_t at = 0;
        while (std::size_t n = r->read(std::as_writable_bytes(std::span(out)).subspan(at), ec)) at += n;
        return out;
    }
    fs::path dir_;
    std::unique_ptr<disk_store> store_;
};

TEST_F(DiskStore, NothingIsVisibleBeforeCommit) {
    std::error_code ec;
    auto w = store_->create("bucket", "k", ec);
    ASSERT_TRUE(w);
    w->write(std::as_bytes(std::span(std::string_view("partial"))));
    EXPECT_FALSE(store_->head("bucket", "k"));
    EXPECT_EQ(get("k"), "<missing>");
    w.reset();  // abandoned: discarded
    EXPECT_TRUE(fs::is_empty(dir_ / "s3" / "tmp"));
    EXPECT_FALSE(store_->head("bucket", "k"));
}

TEST_F(DiskStore, CommitReplacesWholeAndComputesTheEtag) {
    ASSERT_FALSE(put("k", "first"));
    ASSERT_FALSE(put("k", "second"));
    EXPECT_EQ(get("k"), "second");
    auto info = store_->head("bucket", "k");
    ASSERT_TRUE(info);
    EXPECT_EQ(info->size, 6u);
    EXPECT_EQ(info->etag, "\"a9f0e61a137d86aa9db53465e0801612\"");  // md5("second")
}

TEST_F(DiskStore, KeysNeverEscapeAndSurviveARestart) {
    const std::vector<std::string> keys{"../../etc/passwd", "/abs", "a/./b", "ünï/ç", std::string(1000, 'x')};
    for (const auto& key : keys)
        ASSERT_FALSE(put(key, key)) << key;
    for (const auto& e : fs::recursive_directory_iterator(dir_))
        EXPECT_TRUE(e.path().string().starts_with(dir_.string()));
    EXPECT_FALSE(fs::exists(dir_.parent_path() / "etc"));
    store_ = std::make_unique<disk_store>(dir_);  // restart: the index is rebuilt from the files
    auto listed = store_->list("bucket", "");
    ASSERT_EQ(listed.size(), 5u);
    EXPECT_EQ(listed.front().key, "../../etc/passwd");  // byte order
    EXPECT_EQ(get("../../etc/passwd"), "../../etc/passwd");
    EXPECT_EQ(store_->list("bucket", "a/").size(), 1u);
}

TEST_F(DiskStore, MissingBucketAndRemove) {
    std::error_code ec;
    EXPECT_FALSE(store_->create("nope", "k", ec));
    EXPECT_EQ(ec, std::errc::no_such_file_or_directory);
    ASSERT_FALSE(put("k", "v"));
    EXPECT_EQ(store_->delete_bucket("bucket"), std::errc::directory_not_empty);
    EXPECT_FALSE(store_->remove("bucket", "k"));
    EXPECT_FALSE(store_->head("bucket", "k"));
    EXPECT_FALSE(store_->delete_bucket("bucket"));
    EXPECT_FALSE(store_->bucket_exists("bucket"));
}

TEST_F(DiskStore, MultipartAssemblesInOrderWithAwsEtag) {
    multipart_store uploads(*store_);
    std::error_code ec;
    auto up = uploads.create("bucket", "big", {}, "arn", ec);
    ASSERT_TRUE(up);
    std::string a(min_part_size, 'a'), b = "tail";
    std::string etags[2];
    int n = 1;
    for (const std::string* part : {&a, &b}) {
        auto w = uploads.create_part(*up, n, ec);
        ASSERT_TRUE(w);
        w->write(std::as_bytes(std::span(*part)));
        digester md5(digester::kind::md5);
        md5.update(std::as_bytes(std::span(*part)));
        etags[n - 1] = "\"" + hex_encode(md5.finish()) + "\"";
        ASSERT_FALSE(w->commit(n, etags[n - 1], ""));
        ++n;
    }
    EXPECT_EQ(uploads.parts(*up).size(), 2u);
    stored_object result;
    std::string detail;
    EXPECT_EQ(uploads.complete(*up, {{2, etags[1], ""}, {1, etags[0], ""}}, result, detail), complete_error::invalid_part_order);
    ASSERT_EQ(uploads.complete(*up, {{1, etags[0], ""}, {2, etags[1], ""}}, result, detail), complete_error::none);
    EXPECT_TRUE(result.info.etag.ends_with("-2\""));
    EXPECT_EQ(get("big"), a + b);
    EXPECT_FALSE(uploads.find("bucket", up->upload_id));
    EXPECT_FALSE(uploads.find("bucket", "../../x"));
}

}  // namespace
}  // namespace localaws::s3
