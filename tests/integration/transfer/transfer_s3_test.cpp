// transfer/s3 through its library API against localaws, as the connector role (no
// s3:AbortMultipartUpload): uploads from a producer coroutine of unknown length, downloads to a
// consumer coroutine in order, the memory budget as a bound, the refused abort warned about once
// and journaled, and an object replaced mid-download failing instead of mixing versions.

#include "aws/credentials/assume_role_provider.hpp"
#include "aws/credentials/chain.hpp"
#include "engine/scheduler/cpu_pool.hpp"
#include "localaws_process.hpp"
#include "tests/support/run_until_done.hpp"
#include "transfer/s3/download.hpp"
#include "transfer/s3/transfer_error.hpp"
#include "transfer/s3/upload.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <filesystem>
#include <fstream>
#include <random>

namespace {

namespace asio = boost::asio;
namespace ts = shiftsync::transfer::s3;
namespace aws = shiftsync::aws;
namespace la = localaws::testing;
using shiftsync::testing::run_until_done;

localaws::testing::localaws_process& server() {
    static la::localaws_process process(LOCALAWS_BIN);
    return process;
}

std::string md5_hex(std::string_view data) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_Digest(data.data(), data.size(), digest, &n, EVP_md5(), nullptr);
    std::string out;
    for (unsigned i = 0; i < n; ++i) out += "0123456789abcdef"[digest[i] >> 4], out += "0123456789abcdef"[digest[i] & 15];
    return out;
}

std::string md5_raw(std::string_view data) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_Digest(data.data(), data.size(), digest, &n, EVP_md5(), nullptr);
    return std::string(reinterpret_cast<char*>(digest), n);
}

// S3's multipart ETag: MD5 of the parts' MD5s, "-N".
std::string multipart_etag(const std::string& data, std::size_t part) {
    std::string digests;
    std::size_t n = 0;
    for (std::size_t at = 0; at < data.size(); at += part, ++n) digests += md5_raw(std::string_view(data).substr(at, part));
    return "\"" + md5_hex(digests) + "-" + std::to_string(n) + "\"";
}

std::string random_bytes(std::size_t n, unsigned seed) {
    std::mt19937_64 rng(seed);
    std::string out(n, '\0');
    for (std::size_t i = 0; i < n; i += 8) {
        auto v = rng();
        std::memcpy(out.data() + i, &v, std::min<std::size_t>(8, n - i));
    }
    return out;
}

void put_faults(const std::string& json) {
    // The admin endpoint takes plain HTTP; curl is on every machine that runs these tests.
    std::string cmd = "curl -sf -X PUT --data-binary '" + json + "' " + server().endpoint() + "/_localaws/faults >/dev/null";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
}

class TransferS3 : public ::testing::Test {
protected:
    asio::io_context ctx;
    shiftsync::engine::http::client http{ctx.get_executor()};
    std::unique_ptr<aws::service_client> service;
    std::unique_ptr<aws::s3::s3_client> s3;
    shiftsync::engine::memory_budget memory{ctx.get_executor(), 24 << 20};
    shiftsync::engine::cpu_pool cpu{2};
    shiftsync::engine::cpu_pool files{4};
    std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                ("transfer-s3-test-" + std::to_string(::getpid()) + "-" +
                                 ::testing::UnitTest::GetInstance()->current_test_info()->name());
    ts::upload_journal journal{(dir / "journal.jsonl").string()};
    std::vector<std::string> warnings;
    std::unique_ptr<ts::transfer_context> transfer;

    void SetUp() override {
        std::filesystem::create_directories(dir);
        auto keys = aws::make_static_provider({la::operator_access_key, la::operator_secret_key}, "operator keys");
        std::string error;
        auto sts_ep = aws::endpoints::resolve(aws::endpoints::service::sts, la::region, {.explicit_url = server().endpoint()}, error);
        auto sts = std::make_shared<aws::service_client>(
            http, keys, aws::service_target{aws::endpoints::service::sts, *sts_ep, la::region, aws::wire_protocol::query});
        auto role = aws::make_assume_role_provider(sts, {.role = {.role_arn = la::connector_role_arn,
                                                                  .external_id = la::connector_external_id,
                                                                  .role_session_name = "transfer-s3-test"}});
        auto s3_ep = aws::endpoints::resolve(aws::endpoints::service::s3, la::region, {.explicit_url = server().endpoint()}, error);
        service = std::make_unique<aws::service_client>(
            http, role, aws::service_target{aws::endpoints::service::s3, *s3_ep, la::region, aws::wire_protocol::rest_xml});
        s3 = std::make_unique<aws::s3::s3_client>(*service);
        ts::transfer_settings settings{.part_size = ts::min_part_size, .requests_in_flight = 8, .objects_in_flight = 8};
        transfer = std::make_unique<ts::transfer_context>(ctx.get_executor(), *s3, memory, cpu, files, settings, &journal,
                                                          [this](const std::string& w) { warnings.push_back(w); });
        put_faults("[]");
    }
    // Runs the context until `done` (restarting it if it ran out of work meanwhile).
    template <class Pred>
    void run_until(Pred done) {
        while (!done()) {
            if (ctx.stopped()) ctx.restart();
            ctx.run_one();
        }
    }

    void TearDown() override {
        put_faults("[]");
        std::filesystem::remove_all(dir);
    }

    // A producer of `data` that hands out at most 100,000 bytes a call (like a pipe).
    ts::stream_reader reader_of(std::shared_ptr<const std::string> data) {
        auto at = std::make_shared<std::size_t>(0);
        return [data, at](std::span<char> out) -> asio::awaitable<boost::system::result<std::size_t>> {
            std::size_t filled = 0;
            while (filled < out.size() && *at < data->size()) {
                std::size_t n = std::min({out.size() - filled, data->size() - *at, std::size_t{100'000}});
                std::memcpy(out.data() + filled, data->data() + *at, n);
                filled += n;
                *at += n;
            }
            co_return filled;
        };
    }

    boost::system::result<ts::upload_result> upload(const std::string& key, const std::string& data) {
        auto shared = std::make_shared<const std::string>(data);
        aws::diagnostics diag;
        auto r = run_until_done(ctx, ts::async_upload_stream(*transfer, reader_of(shared), {la::staging_bucket, key}, {}, diag));
        EXPECT_TRUE(r) << diag.to_string();
        return r;
    }

    boost::system::result<std::string> download(const std::string& key, aws::diagnostics& diag) {
        auto out = std::make_shared<std::string>();
        ts::chunk_consumer consume = [out](std::span<const char> chunk) -> asio::awaitable<boost::system::result<void>> {
            out->append(chunk.data(), chunk.size());
            co_return boost::system::result<void>{};
        };
        auto r = run_until_done(ctx, ts::async_download_stream(*transfer, {la::staging_bucket, key}, consume, std::nullopt, diag));
        if (!r) return r.error();
        return *out;
    }
};

TEST_F(TransferS3, a_stream_of_unknown_length_round_trips_through_multipart_and_ordered_download) {
    const std::string data = random_bytes(5 * ts::min_part_size + 7, 1);
    auto up = upload("lib/stream.bin", data);
    ASSERT_TRUE(up);
    EXPECT_EQ(up->parts, 6u);
    EXPECT_EQ(up->etag, multipart_etag(data, ts::min_part_size));
    aws::diagnostics diag;
    auto back = download("lib/stream.bin", diag);
    ASSERT_TRUE(back) << diag.to_string();
    EXPECT_TRUE(*back == data);
    EXPECT_LE(memory.peak_reserved(), memory.total());
    EXPECT_GT(memory.peak_reserved(), ts::min_part_size);  // several parts really were in flight
    EXPECT_TRUE(journal.open_entries()->empty());          // completed uploads leave nothing behind
}

TEST_F(TransferS3, a_short_stream_is_one_put_and_an_empty_one_an_empty_object) {
    for (std::size_t size : {std::size_t{0}, std::size_t{1}, ts::min_part_size - 1}) {
        const std::string data = random_bytes(size, 2);
        auto up = upload("lib/short-" + std::to_string(size), data);
        ASSERT_TRUE(up);
        EXPECT_EQ(up->parts, 0u);
        EXPECT_EQ(up->etag, "\"" + md5_hex(data) + "\"");
        aws::diagnostics diag;
        auto back = download("lib/short-" + std::to_string(size), diag);
        ASSERT_TRUE(back) << diag.to_string();
        EXPECT_TRUE(*back == data);
    }
}

TEST_F(TransferS3, a_failed_multipart_upload_is_journaled_and_the_refused_abort_warned_about_once) {
    // Every UploadPart fails: two uploads fail, and the connector role may not abort either.
    put_faults(R"([{"service":"s3","operation":"UploadPart","error_rate":1,"error":"InternalError","count":-1}])");
    const std::string data = random_bytes(2 * ts::min_part_size + 1, 3);
    for (const char* key : {"lib/fail-1", "lib/fail-2"}) {
        aws::diagnostics diag;
        auto shared = std::make_shared<const std::string>(data);
        auto r = run_until_done(ctx, ts::async_upload_stream(*transfer, reader_of(shared), {la::staging_bucket, key}, {}, diag));
        EXPECT_FALSE(r);
    }
    ASSERT_EQ(warnings.size(), 1u);
    EXPECT_NE(warnings[0].find("s3:AbortMultipartUpload"), std::string::npos);
    EXPECT_NE(warnings[0].find("AbortIncompleteMultipartUpload"), std::string::npos);
    auto open = journal.open_entries();
    ASSERT_TRUE(open);
    ASSERT_EQ(open->size(), 2u);
    EXPECT_EQ((*open)[0].key, "lib/fail-1");
    EXPECT_FALSE((*open)[0].upload_id.empty());
    aws::diagnostics diag;
    const std::string bucket = la::staging_bucket, key = "lib/fail-1";  // the coroutine keeps references
    auto head = run_until_done(ctx, s3->async_head_object(bucket, key, diag));
    EXPECT_FALSE(head);  // nothing was completed
}

TEST_F(TransferS3, cancelling_an_upload_stops_it_and_journals_the_upload) {
    // 1 MB/s per upload body: the parts take seconds, so the cancel lands mid-upload.
    put_faults(R"([{"service":"s3","operation":"UploadPart","bandwidth_bytes_per_second":1000000}])");
    auto shared = std::make_shared<const std::string>(random_bytes(3 * ts::min_part_size, 4));
    asio::cancellation_signal cancel;
    std::optional<boost::system::result<ts::upload_result>> outcome;
    aws::diagnostics diag;
    asio::co_spawn(ctx, ts::async_upload_stream(*transfer, reader_of(shared), {la::staging_bucket, "lib/cancelled"}, {}, diag),
                   asio::bind_cancellation_slot(cancel.slot(), [&](std::exception_ptr, boost::system::result<ts::upload_result> r) {
                       outcome = std::move(r);
                   }));
    asio::steady_timer timer(ctx, std::chrono::milliseconds(800));
    timer.async_wait([&](auto) { cancel.emit(asio::cancellation_type::terminal); });
    run_until([&] { return outcome.has_value(); });
    ASSERT_FALSE(*outcome);
    EXPECT_EQ(journal.open_entries()->size(), 1u);
    EXPECT_EQ(warnings.size(), 1u);
}

TEST_F(TransferS3, an_object_replaced_during_a_download_fails_instead_of_mixing_versions) {
    // 8 parts, and a 24 MiB budget: 4 ranges run at once, the 5th starts after the replacement.
    const std::string first = random_bytes(8 * ts::min_part_size, 5);
    ASSERT_TRUE(upload("lib/replaced", first));
    // Slow GETs (2 MB/s each), and the object replaced by another upload while they run.
    put_faults(R"([{"service":"s3","operation":"GetObject","bandwidth_bytes_per_second":2000000}])");
    auto out = std::make_shared<std::string>();
    ts::chunk_consumer consume = [out](std::span<const char> chunk) -> asio::awaitable<boost::system::result<void>> {
        out->append(chunk.data(), chunk.size());
        co_return boost::system::result<void>{};
    };
    aws::diagnostics diag;
    std::optional<boost::system::result<ts::download_result>> outcome;
    asio::co_spawn(ctx, ts::async_download_stream(*transfer, {la::staging_bucket, "lib/replaced"}, consume, std::nullopt, diag),
                   [&](std::exception_ptr, boost::system::result<ts::download_result> r) { outcome = std::move(r); });
    // Replace it (on the same context: the engine runs both at once) after the first ranges started.
    asio::steady_timer pause(ctx, std::chrono::milliseconds(500));
    bool paused = false;
    pause.async_wait([&](auto) { paused = true; });
    run_until([&] { return paused || outcome.has_value(); });
    {
        aws::diagnostics put_diag;
        auto body = shiftsync::engine::http::buffer_source::from("a second version");
        aws::s3::put_options plain;
        // Sent on this context too: the engine handles both at once.
        std::optional<boost::system::result<std::string>> put;
        // Named: the coroutine keeps references to its string arguments.
        const std::string bucket = la::staging_bucket, key = "lib/replaced";
        asio::co_spawn(ctx, s3->async_put_object(bucket, key, body, plain, put_diag),
                       [&](std::exception_ptr, boost::system::result<std::string> r) { put = std::move(r); });
        run_until([&] { return put.has_value(); });
        ASSERT_TRUE(*put) << put_diag.to_string();
    }
    run_until([&] { return outcome.has_value(); });
    ASSERT_FALSE(*outcome);
    EXPECT_EQ(outcome->error(), shiftsync::transfer::errc::object_changed) << outcome->error().message();
    EXPECT_NE(diag.client_note.find("changed"), std::string::npos);
}

TEST_F(TransferS3, a_file_download_lands_under_its_name_only_when_complete) {
    const std::string data = random_bytes(2 * ts::min_part_size + 3, 6);
    ASSERT_TRUE(upload("lib/file", data));
    const std::string dest = (dir / "out.bin").string();
    const std::uint64_t counted_before = transfer->counters().bytes;
    aws::diagnostics diag;
    auto r = run_until_done(ctx, ts::async_download_file(*transfer, {la::staging_bucket, "lib/file"}, dest, std::nullopt, diag));
    ASSERT_TRUE(r) << diag.to_string();
    EXPECT_TRUE(r->checksum_verified);  // parts listed with their CRC32Cs by GetObjectAttributes
    EXPECT_EQ(transfer->counters().bytes - counted_before, data.size());
    std::ifstream in(dest, std::ios::binary);
    std::string back((std::istreambuf_iterator<char>(in)), {});
    EXPECT_TRUE(back == data);
    EXPECT_FALSE(std::filesystem::exists(ts::partial_path(dest)));

    // A missing object: no file, no partial file.
    const std::string missing = (dir / "missing.bin").string();
    auto gone = run_until_done(ctx, ts::async_download_file(*transfer, {la::staging_bucket, "lib/nope"}, missing, std::nullopt, diag));
    EXPECT_FALSE(gone);
    EXPECT_FALSE(std::filesystem::exists(missing));
    EXPECT_FALSE(std::filesystem::exists(ts::partial_path(missing)));
}

}  // namespace
