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
