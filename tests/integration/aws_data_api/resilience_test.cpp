// What the clients do when localaws misbehaves on purpose (its admin endpoint scripts the faults):
// throttling is retried with backoff until it succeeds; credentials that the service calls expired
// are dropped and fetched again.

#include "shared_localaws.hpp"

#include <boost/json.hpp>

using namespace shiftsync;
using namespace shiftsync::aws;
using namespace shiftsync::aws::redshift_data;
using shared::run;
namespace http = shiftsync::engine::http;

namespace {

// PUT /_localaws/<what> with a JSON body (the admin endpoint takes no signature).
void admin_put(shared::connector& c, const std::string& what, const boost::json::value& body) {
    http::request r;
    r.method = "PUT";
    r.target = "/_localaws/" + what;
    r.headers.add("Content-Type", "application/json");
    r.body = http::buffer_source::from(boost::json::serialize(body));
    auto reply = run(c.ctx, c.http.async_send(*http::endpoint::parse(shared::localaws().endpoint()), std::move(r)));
    ASSERT_TRUE(reply) << reply.error().message();
    ASSERT_EQ(reply->status, 200u) << reply->body;
}

std::uint64_t retries_for(const shared::connector& c, std::string_view operation, engine::failure_kind kind) {
    std::uint64_t n = 0;
    for (const auto& row : c.http.metrics().snapshot())
        if (row.operation == operation) n += row.retries_by_reason[static_cast<int>(kind)];
    return n;
}

}  // namespace

TEST(Resilience, ThrottlingIsRetriedWithBackoffUntilItSucceeds) {
    shared::connector c;
    diagnostics diag;
    execute_request request{.sql = "select 1", .database = "dev", .workgroup = ::localaws::testing::workgroup};
    auto started = run(c.ctx, c.data->async_execute_statement(request, diag));
    ASSERT_TRUE(started) << diag.to_string();
    // The next two DescribeStatement calls are throttled, as AWS does past 100/s.
    admin_put(c, "faults", boost::json::array{boost::json::object{
        {"service", "redshift-data"}, {"operation", "DescribeStatement"}, {"error_rate", 1},
        {"error", "ThrottlingException"}, {"count", 2}}});
    auto described = run(c.ctx, c.data->async_describe_statement(started->id, diag));
    ASSERT_TRUE(described) << diag.to_string();
    EXPECT_EQ(retries_for(c, "redshift-data.DescribeStatement", engine::failure_kind::throttling), 2u);
    admin_put(c, "faults", boost::json::array{});
}

// What a service_client's observer hears (aws/client/call_observer.hpp): each throttling answer, with
// its request id, as it comes, and each retry the engine makes.
TEST(Resilience, TheObserverHearsEachThrottleAndRetryAsItHappens) {
    struct recorder final : call_observer {
        std::vector<std::string> heard;
        void on_retry(const call_event& e) noexcept override {
            heard.push_back("retry " + std::string(e.operation) + " attempt " + std::to_string(e.attempt) + " after " +
                            std::string(engine::to_string(e.why)) + (e.request_id.empty() ? "" : " with an id"));
        }
        void on_throttle(const call_event& e) noexcept override {
            heard.push_back("throttle " + std::string(e.service) + " " + std::string(e.operation) + " attempt " +
                            std::to_string(e.attempt) + " status " + std::to_string(e.http_status) +
                            (e.request_id.empty() ? "" : " with an id"));
        }
    };
    shared::connector c;
    auto observer = std::make_shared<recorder>();
    c.data->service().set_observer(observer);
    diagnostics diag;
    execute_request request{.sql = "select 1", .database = "dev", .workgroup = ::localaws::testing::workgroup};
    auto started = run(c.ctx, c.data->async_execute_statement(request, diag));
    ASSERT_TRUE(started) << diag.to_string();
    EXPECT_TRUE(observer->heard.empty());  // a call that went through at once: nothing to say
    admin_put(c, "faults", boost::json::array{boost::json::object{
        {"service", "redshift-data"}, {"operation", "DescribeStatement"}, {"error_rate", 1},
        {"error", "ThrottlingException"}, {"count", 2}}});
    auto described = run(c.ctx, c.data->async_describe_statement(started->id, diag));
    admin_put(c, "faults", boost::json::array{});
    ASSERT_TRUE(described) << diag.to_string();
    EXPECT_EQ(observer->heard, (std::vector<std::string>{
                                   "throttle redshift-data DescribeStatement attempt 1 status 400 with an id",
                                   "retry DescribeStatement attempt 2 after throttling with an id",
                                   "throttle redshift-data DescribeStatement attempt 2 status 400 with an id",
                                   "retry DescribeStatement attempt 3 after throttling with an id",
                               }));
}

TEST(Resilience, ExpiredSessionIsDroppedAndAssumedAgain) {
    shared::connector c;
    diagnostics diag;
    execute_request request{.sql = "select 1", .database = "dev", .workgroup = ::localaws::testing::workgroup};
    ASSERT_TRUE(run(c.ctx, c.data->async_execute_statement(request, diag))) << diag.to_string();
    // Two hours later for localaws: the role session it issued has expired, while our cache, on our
    // clock, still thinks it fresh. The service's ExpiredToken must make the client fetch new keys.
    admin_put(c, "clock", boost::json::object{{"offset_seconds", 7200}});
    auto again = run(c.ctx, c.data->async_execute_statement(request, diag));
    admin_put(c, "clock", boost::json::object{{"offset_seconds", 0}});
    ASSERT_TRUE(again) << diag.to_string();
    std::uint64_t assume_calls = 0;
    for (const auto& row : c.http.metrics().snapshot())
        if (row.operation == "sts.AssumeRole") assume_calls += row.requests;
    EXPECT_EQ(assume_calls, 2u);
}
