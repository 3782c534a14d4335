// transfer/staging through its library API against localaws, as the connector role (exactly the
// guide's staging policy): a run writes its marker first, async_remove_all empties its prefix
// (more than one DeleteObjects batch, the marker last, nothing outside the run touched) also when
// the coroutine that awaits it was cancelled, and a sweep never takes this process's run for dead.

#include "aws/credentials/assume_role_provider.hpp"
#include "aws/credentials/chain.hpp"
#include "localaws_process.hpp"
#include "tests/support/run_until_done.hpp"
#include "transfer/staging/local_process.hpp"
#include "transfer/staging/run_marker.hpp"
#include "transfer/staging/staging_error.hpp"
#include "transfer/staging/staging_run.hpp"
#include "transfer/staging/sweep.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include <unistd.h>

namespace {

namespace asio = boost::asio;
namespace st = shiftsync::transfer::staging;
namespace aws = shiftsync::aws;
namespace http = shiftsync::engine::http;
namespace la = localaws::testing;
using shiftsync::testing::run_until_done;

// A_run_whose_process_died_is_swept runs this binary again as the process that dies; it talks to
// the parent's localaws, named in this variable.
constexpr const char* child_endpoint_variable = "STAGING_RUN_TEST_CHILD_ENDPOINT";

const std::string& endpoint() {
    static const std::string url = [] {
        if (const char* parent = std::getenv(child_endpoint_variable)) return std::string(parent);
        static la::localaws_process process(LOCALAWS_BIN);
        return process.endpoint();
    }();
    return url;
}

void put_faults(const std::string& json) {
    // The admin endpoint takes plain HTTP; curl is on every machine that runs these tests.
    std::string cmd = "curl -sf -X PUT --data-binary '" + json + "' " + endpoint() + "/_localaws/faults >/dev/null";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
}

class StagingRun : public ::testing::Test {
protected:
    asio::io_context ctx;
    http::client http{ctx.get_executor()};
    std::unique_ptr<aws::service_client> service;
    std::unique_ptr<aws::s3::s3_client> s3;
    // Each test under its own location, so that they never see each other's runs.
    const st::staging_location location{la::staging_bucket,
                                        std::string("staging-lib/") +
                                            ::testing::UnitTest::GetInstance()->current_test_info()->name() + "/"};
    // The child's location is its parent's: the parent sweeps what the child left.
    const st::staging_location dying_location{la::staging_bucket, "staging-lib/a_run_whose_process_died_is_swept/"};

    void SetUp() override {
        auto keys = aws::make_static_provider({la::operator_access_key, la::operator_secret_key}, "operator keys");
        std::string error;
        auto sts_ep = aws::endpoints::resolve(aws::endpoints::service::sts, la::region, {.explicit_url = endpoint()}, error);
        auto sts = std::make_shared<aws::service_client>(
            http, keys, aws::service_target{aws::endpoints::service::sts, *sts_ep, la::region, aws::wire_protocol::query});
        auto role = aws::make_assume_role_provider(sts, {.role = {.role_arn = la::connector_role_arn,
                                                                  .external_id = la::connector_external_id,
                                                                  .role_session_name = "staging-run-test"}});
        auto s3_ep = aws::endpoints::resolve(aws::endpoints::service::s3, la::region, {.explicit_url = endpoint()}, error);
        service = std::make_unique<aws::service_client>(
            http, role, aws::service_target{aws::endpoints::service::s3, *s3_ep, la::region, aws::wire_protocol::rest_xml});
        s3 = std::make_unique<aws::s3::s3_client>(*service);
        put_faults("[]");
    }
    void TearDown() override { put_faults("[]"); }

    template <class Pred>
    void run_until(Pred done) {
        while (!done()) {
            if (ctx.stopped()) ctx.restart();
            ctx.run_one();
        }
    }

    st::staging_run begin(const std::string& purpose) {
        aws::diagnostics diag;
        auto run = run_until_done(ctx, st::staging_run::async_begin(*s3, location, purpose, diag));
        if (!run) throw std::runtime_error("async_begin failed: " + diag.to_string());
        return std::move(*run);
    }

    // `count` small objects named <prefix>obj-<n>, written `in_flight` at a time.
    void put_objects(const std::string& prefix, int count, int in_flight = 16) {
        int next = 0, done = 0, failed = 0;
        std::function<void()> start_one = [&] {
            if (next == count) return;
            auto key = std::make_shared<std::string>(prefix + "obj-" + std::to_string(next++));
            auto diag = std::make_shared<aws::diagnostics>();
            auto bucket = std::make_shared<std::string>(la::staging_bucket);
            auto options = std::make_shared<aws::s3::put_options>();
            asio::co_spawn(ctx, s3->async_put_object(*bucket, *key, http::buffer_source::from("x"), *options, *diag),
                           [&, key, diag, bucket, options](std::exception_ptr, boost::system::result<std::string> r) {
                               if (!r) ++failed;
                               ++done;
                               start_one();
                           });
        };
        for (int i = 0; i < in_flight; ++i) start_one();
        run_until([&] { return done == count; });
        ASSERT_EQ(failed, 0);
    }

    std::vector<std::string> keys_under(const std::string& prefix) {
        std::vector<std::string> keys;
        aws::s3::list_request request{.prefix = prefix};
        const std::string bucket = la::staging_bucket;
        do {
            aws::diagnostics diag;
            auto page = run_until_done(ctx, s3->async_list_objects_v2(bucket, request, diag));
            if (!page) throw std::runtime_error("listing failed: " + diag.to_string());
            for (auto& o : page->objects) keys.push_back(o.key);
            request.continuation_token = page->next_continuation_token;
        } while (!request.continuation_token.empty());
        return keys;
    }

    boost::system::result<std::string> get(const std::string& key) {
        aws::diagnostics diag;
        std::string body;
        const std::string bucket = la::staging_bucket;
        auto head = run_until_done(ctx, s3->async_get_object(bucket, key, std::nullopt, http::string_sink{}, diag, &body));
        if (!head) return head.error();
        return body;
    }
};

TEST_F(StagingRun, begin_writes_the_marker_and_names_the_run_prefix) {
    auto run = begin("extract");
    EXPECT_TRUE(st::is_run_id(run.run_id())) << run.run_id();
    EXPECT_EQ(run.bucket(), la::staging_bucket);
    EXPECT_EQ(run.prefix(), location.prefix + run.run_id() + "/");
    EXPECT_EQ(run.url(), "s3://" + std::string(la::staging_bucket) + "/" + location.prefix + run.run_id() + "/");
    EXPECT_EQ(run.url("part_"), run.url() + "part_");

    // The only object so far is the marker, and it says who runs.
    auto keys = keys_under(run.prefix());
    ASSERT_EQ(keys, std::vector<std::string>{run.prefix() + "_shiftsync_run"});
    auto text = get(run.prefix() + "_shiftsync_run");
    ASSERT_TRUE(text);
    std::string why;
    auto marker = st::parse_marker(*text, why);
    ASSERT_TRUE(marker) << why << ": " << *text;
    EXPECT_EQ(marker->run_id, run.run_id());
    EXPECT_EQ(marker->host, st::this_host().host);
    EXPECT_EQ(marker->pid, ::getpid());
    EXPECT_EQ(marker->purpose, "extract");
    EXPECT_LE(std::chrono::abs(std::chrono::system_clock::now() - marker->started), std::chrono::minutes(1));
    EXPECT_EQ(run.run_id().substr(0, 16), st::make_run_id(marker->started, 0).substr(0, 16));  // the id starts with it

    // Two runs at once: two prefixes.
    auto other = begin("load");
    EXPECT_NE(other.run_id(), run.run_id());
    aws::diagnostics diag;
    ASSERT_TRUE(run_until_done(ctx, run.async_remove_all(diag))) << diag.to_string();
    ASSERT_TRUE(run_until_done(ctx, other.async_remove_all(diag))) << diag.to_string();
}

TEST_F(StagingRun, remove_all_empties_the_prefix_in_batches_and_touches_nothing_else) {
    auto run = begin("load");
    put_objects(run.prefix() + "data/", 1003);  // two ListObjectsV2 pages, two DeleteObjects batches
    // Beside the run: another location's object, and a key that merely starts with the run's id.
    put_objects(location.prefix + "not-a-run/", 1);
    put_objects(location.prefix + run.run_id() + "-sibling/", 1);
    aws::diagnostics diag;
    auto report = run_until_done(ctx, run.async_remove_all(diag));
    ASSERT_TRUE(report) << diag.to_string();
    EXPECT_EQ(report->deleted, 1004u);  // 1,003 objects and the marker
    EXPECT_TRUE(report->refused.empty());
    EXPECT_TRUE(keys_under(run.prefix()).empty());
    EXPECT_EQ(keys_under(location.prefix + "not-a-run/").size(), 1u);
    EXPECT_EQ(keys_under(location.prefix + run.run_id() + "-sibling/").size(), 1u);
    // Again: nothing left, nothing to do.
    auto again = run_until_done(ctx, run.async_remove_all(diag));
    ASSERT_TRUE(again) << diag.to_string();
    EXPECT_EQ(again->deleted, 0u);
}

TEST_F(StagingRun, remove_all_keeps_the_marker_while_objects_keep_landing) {
    // A writer that does not stop (an UNLOAD nobody cancelled): an object every 40 ms, and listings
    // slowed to 500 ms, so every pass of the cleanup finds new ones.
    auto run = begin("extract");
    put_faults(R"([{"service":"s3","operation":"ListObjectsV2","latency_ms":500}])");
    bool writing = true, writer_done = false;
    int written = 0;
    auto writer = [&]() -> asio::awaitable<void> {
        asio::steady_timer pause(co_await asio::this_coro::executor);
        const std::string bucket = run.bucket();
        while (writing) {
            aws::diagnostics diag;
            const std::string key = run.prefix() + "late/obj-" + std::to_string(written);
            http::body_source body = http::buffer_source::from("late");
            const aws::s3::put_options options;
            if (co_await s3->async_put_object(bucket, key, std::move(body), options, diag)) ++written;
            pause.expires_after(std::chrono::milliseconds(40));
            co_await pause.async_wait(asio::use_awaitable);
        }
    };
    asio::co_spawn(ctx, writer(), [&](std::exception_ptr) { writer_done = true; });
    aws::diagnostics diag;
    auto report = run_until_done(ctx, run.async_remove_all(diag));
    writing = false;
    run_until([&] { return writer_done; });
    ASSERT_FALSE(report);
    EXPECT_EQ(report.error(), st::errc::still_written);
    EXPECT_NE(diag.client_note.find("shiftsync sweep"), std::string::npos) << diag.client_note;
    auto left = keys_under(run.prefix());
    EXPECT_NE(std::find(left.begin(), left.end(), run.prefix() + "_shiftsync_run"), left.end())
        << "the marker stays while the prefix is not empty";
    EXPECT_GT(written, 4);

    // The writer stopped: the next cleanup finishes.
    put_faults("[]");
    auto again = run_until_done(ctx, run.async_remove_all(diag));
    ASSERT_TRUE(again) << diag.to_string();
    EXPECT_TRUE(keys_under(run.prefix()).empty());
}

// The caller's shape: do the work; whatever happens (here: a cancellation while an S3 call is in
// flight), remove the run from the same coroutine. Two kinds of caller: one that reports
// cancellation as a value (engine::cancellation_as_value, as every engine and transfer coroutine
// does: throwing turned off), and one with asio's default, which must reset the cancellation
// state itself (a cancelled coroutine's co_await throws before any callee can run).
struct cancelled_outcome {
    boost::system::error_code work;  // what the interrupted call returned
    boost::system::result<st::cleanup_report> cleanup = boost::system::error_code{};
    aws::diagnostics diag;
};

enum class caller { cancellation_as_value, throwing_resets_first };

asio::awaitable<cancelled_outcome> work_then_clean_up(aws::s3::s3_client& s3, st::staging_run& run, caller kind) {
    if (kind == caller::cancellation_as_value) co_await asio::this_coro::throw_if_cancelled(false);
    cancelled_outcome out;
    aws::diagnostics get_diag;
    std::string body;
    const std::string bucket = run.bucket();
    const std::string key = run.prefix() + "data/obj-0";
    http::body_sink sink = http::string_sink{};
    std::optional<aws::s3::byte_range> whole;
    auto got = co_await s3.async_get_object(bucket, key, whole, std::move(sink), get_diag, &body);  // slow: cancelled
    if (!got) out.work = got.error();
    if (kind == caller::throwing_resets_first) co_await asio::this_coro::reset_cancellation_state();
    out.cleanup = co_await run.async_remove_all(out.diag);
    co_return out;
}

class StagingRunCancelled : public StagingRun, public ::testing::WithParamInterface<caller> {};

TEST_P(StagingRunCancelled, remove_all_works_after_the_awaiting_coroutine_was_cancelled) {
    auto run = begin("extract");
    put_objects(run.prefix() + "data/", 5);
    // GETs take 3 s: the cancel lands while one is in flight.
    put_faults(R"([{"service":"s3","operation":"GetObject","latency_ms":3000}])");
    asio::cancellation_signal cancel;
    std::optional<cancelled_outcome> outcome;
    std::exception_ptr thrown;
    asio::co_spawn(ctx, work_then_clean_up(*s3, run, GetParam()),
                   asio::bind_cancellation_slot(cancel.slot(), [&](std::exception_ptr e, cancelled_outcome r) {
                       thrown = e;
                       outcome = std::move(r);
                   }));
    asio::steady_timer timer(ctx, std::chrono::milliseconds(300));
    timer.async_wait([&](auto) { cancel.emit(asio::cancellation_type::terminal); });
    run_until([&] { return outcome.has_value(); });
    if (thrown) {
        try {
            std::rethrow_exception(thrown);
        } catch (const std::exception& e) {
            FAIL() << "the coroutine threw: " << e.what();
        }
    }
    EXPECT_TRUE(outcome->work) << "the GET was meant to be cut short by the cancellation";
    ASSERT_TRUE(outcome->cleanup) << outcome->cleanup.error().message() << " " << outcome->diag.to_string();
    EXPECT_EQ(outcome->cleanup->deleted, 6u);
    EXPECT_TRUE(keys_under(run.prefix()).empty());
}

INSTANTIATE_TEST_SUITE_P(Callers, StagingRunCancelled,
                         ::testing::Values(caller::cancellation_as_value, caller::throwing_resets_first),
                         [](const auto& p) {
                             return p.param == caller::cancellation_as_value ? std::string("cancellation_as_value")
                                                                                : std::string("throwing_resets_first");
                         });

TEST_F(StagingRun, a_sweep_keeps_this_processs_run_whatever_its_age) {
    auto run = begin("extract");
    put_objects(run.prefix(), 2);
    aws::diagnostics diag;
    st::sweep_options everything{.older_than = std::chrono::seconds(0)};
    auto report = run_until_done(ctx, st::async_sweep(*s3, location, everything, diag));
    ASSERT_TRUE(report) << diag.to_string();
    EXPECT_TRUE(report->swept.empty());
    ASSERT_EQ(report->kept.size(), 1u);
    EXPECT_EQ(report->kept[0].run_id, run.run_id());
    EXPECT_NE(report->kept[0].reason.find("process " + std::to_string(::getpid()) + " on host"), std::string::npos)
        << report->kept[0].reason;
    EXPECT_NE(report->kept[0].reason.find("still running"), std::string::npos) << report->kept[0].reason;
    EXPECT_EQ(keys_under(run.prefix()).size(), 3u);

    ASSERT_TRUE(run_until_done(ctx, run.async_remove_all(diag))) << diag.to_string();
    auto after = run_until_done(ctx, st::async_sweep(*s3, location, everything, diag));
    ASSERT_TRUE(after) << diag.to_string();
    EXPECT_TRUE(after->swept.empty());
    EXPECT_TRUE(after->kept.empty());
}

// The process that dies: begins a run under the parent's location, says which, and ends at once
// the way kill -9 would leave it (no cleanup, no destructors). Disabled: only the parent runs it.
TEST_F(StagingRun, DISABLED_child_begins_a_run_and_dies) {
    ASSERT_NE(std::getenv(child_endpoint_variable), nullptr) << "run by a_run_whose_process_died_is_swept";
    aws::diagnostics diag;
    auto run = run_until_done(ctx, st::staging_run::async_begin(*s3, dying_location, "extract", diag));
    if (!run) {
        std::printf("FAILED %s\n", diag.to_string().c_str());
        std::fflush(stdout);
        std::_Exit(3);
    }
    put_objects(run->prefix() + "data/", 3);
    std::printf("RUN_ID=%s PID=%d\n", run->run_id().c_str(), static_cast<int>(::getpid()));
    std::fflush(stdout);
    std::_Exit(0);
}

TEST_F(StagingRun, a_run_whose_process_died_is_swept) {
    // This binary again, as the child above: a real marker from a real process that is gone now.
    std::string command = std::string(child_endpoint_variable) + "=" + endpoint() +
                          " /proc/" + std::to_string(::getpid()) + "/exe --gtest_also_run_disabled_tests --gtest_filter=StagingRun.DISABLED_child_begins_a_run_and_dies";
    FILE* child = ::popen(command.c_str(), "r");
    ASSERT_NE(child, nullptr);
    std::string output;
    char buffer[4096];
    while (std::fgets(buffer, sizeof buffer, child)) output += buffer;
    int status = ::pclose(child);  // reaped: its pid is free now
    ASSERT_EQ(status, 0) << output;
    auto at = output.find("RUN_ID=");
    ASSERT_NE(at, std::string::npos) << output;
    std::string run_id = output.substr(at + 7, 33);
    ASSERT_TRUE(st::is_run_id(run_id)) << output;
    std::string pid = output.substr(output.find("PID=", at) + 4);
    pid = pid.substr(0, pid.find_first_not_of("0123456789"));
    const std::string prefix = dying_location.prefix + run_id + "/";
    ASSERT_EQ(keys_under(prefix).size(), 4u);  // the marker and 3 objects, left behind

    aws::diagnostics diag;
    auto report = run_until_done(ctx, st::async_sweep(*s3, dying_location, st::sweep_options{}, diag));
    ASSERT_TRUE(report) << diag.to_string();
    ASSERT_EQ(report->swept.size(), 1u);
    EXPECT_EQ(report->swept[0].run_id, run_id);
    EXPECT_EQ(report->swept[0].objects, 4u);
    EXPECT_TRUE(report->swept[0].refused.empty());
    EXPECT_NE(report->swept[0].reason.find("process " + pid + " on host " + st::this_host().host + " is gone"),
              std::string::npos)
        << report->swept[0].reason;
    EXPECT_TRUE(report->kept.empty());
    EXPECT_TRUE(keys_under(prefix).empty());
}

TEST_F(StagingRun, begin_fails_when_the_marker_cannot_be_written) {
    // A bucket the staging policy does not cover: AccessDenied, and no run.
    aws::diagnostics diag;
    st::staging_location elsewhere{"not-the-staging-bucket", "x/"};
    auto run = run_until_done(ctx, st::staging_run::async_begin(*s3, elsewhere, "extract", diag));
    ASSERT_FALSE(run);
    EXPECT_NE(diag.client_note.find("marker"), std::string::npos) << diag.to_string();
}

}  // namespace
