// A retried call is signed again for each attempt, with the credentials the provider holds at that
// moment, not sent again with the first attempt's signature (whose X-Amz-Date ages with every
// backoff, and whose credentials may have been refreshed meanwhile).
//
// The proof: a provider that hands out a different role session on each call, one injected 503,
// and localaws's request log, which records the principal localaws verified each request's
// signature for (never the signature itself). Signed once per call, both attempts would be the same
// session; signed per attempt, the 503 and the 200 come from different sessions, each verified.

#include "shared_localaws.hpp"

#include <boost/json.hpp>

#include <chrono>
#include <fstream>
#include <thread>

using namespace shiftsync;
using namespace shiftsync::aws;
using shared::run;
namespace http = shiftsync::engine::http;

namespace {

// Each call takes the next provider's credentials, round robin.
class rotating_provider final : public credentials_provider {
public:
    explicit rotating_provider(std::vector<std::shared_ptr<credentials_provider>> providers)
        : providers_(std::move(providers)) {}

    boost::asio::awaitable<boost::system::result<credentials_ptr>> async_get(diagnostics& diag) override {
        auto& next = providers_[calls_++ % providers_.size()];
        co_return co_await next->async_get(diag);
    }
    std::string describe() const override { return "role sessions in turn"; }
    std::size_t calls() const { return calls_; }

private:
    std::vector<std::shared_ptr<credentials_provider>> providers_;
    std::size_t calls_ = 0;
};

struct logged_request {
    std::string principal;
    std::int64_t status = 0;
};

// The request log's DescribeStatement entries made by role sessions named "resign-*", waiting (a
// bounded while) for the writer to catch up to `expected` of them.
std::vector<logged_request> resigned_describes(std::size_t expected) {
    std::vector<logged_request> found;
    for (int tries = 0; tries < 500 && found.size() < expected; ++tries) {
        if (tries) std::this_thread::sleep_for(std::chrono::milliseconds(20));
        found.clear();
        std::ifstream log(shared::localaws().data_dir() / "requests.jsonl");
        for (std::string line; std::getline(log, line);) {
            boost::system::error_code ec;
            auto entry = boost::json::parse(line, ec);
            if (ec || !entry.is_object()) continue;  // a line still being written
            const auto& o = entry.as_object();
            const auto* operation = o.if_contains("operation");
            const auto* who = o.if_contains("principal");
            if (!operation || !operation->is_string() || operation->as_string() != "DescribeStatement") continue;
            if (!who || !who->is_string()) continue;
            std::string principal(who->as_string());
            if (principal.find("/resign-") == std::string::npos) continue;
            found.push_back({principal, o.at("status").to_number<std::int64_t>()});
        }
    }
    return found;
}

void admin_put(boost::asio::io_context& ctx, http::client& c, const std::string& what, const boost::json::value& body) {
    http::request r;
    r.method = "PUT";
    r.target = "/_localaws/" + what;
    r.headers.add("Content-Type", "application/json");
    r.body = http::buffer_source::from(boost::json::serialize(body));
    auto reply = run(ctx, c.async_send(*http::endpoint::parse(shared::localaws().endpoint()), std::move(r)));
    ASSERT_TRUE(reply) << reply.error().message();
    ASSERT_EQ(reply->status, 200u) << reply->body;
}

}  // namespace

TEST(Resigning, EachAttemptOfARetriedCallIsSignedAgainWithTheCredentialsOfThatMoment) {
    boost::asio::io_context ctx;
    http::client client(ctx.get_executor());
    std::string error;
    const auto endpoint_of = [&](endpoints::service s) {
        return *endpoints::resolve(s, "us-east-1", {.explicit_url = shared::localaws().endpoint()}, error);
    };
    auto operator_keys = make_static_provider(
        {::localaws::testing::operator_access_key, ::localaws::testing::operator_secret_key}, "operator keys");
    auto sts =
        std::make_shared<service_client>(client, operator_keys,
                                         service_target{endpoints::service::sts, endpoint_of(endpoints::service::sts),
                                                        "us-east-1", wire_protocol::query});
    std::vector<std::shared_ptr<credentials_provider>> sessions;
    for (const char* name : {"resign-first", "resign-second"})
        sessions.push_back(
            make_assume_role_provider(sts, {.role = {.role_arn = ::localaws::testing::connector_role_arn,
                                                     .external_id = ::localaws::testing::connector_external_id,
                                                     .role_session_name = name}}));
    auto rotating = std::make_shared<rotating_provider>(sessions);
    service_client data_service(
        client, rotating,
        service_target{endpoints::service::redshift_data, endpoint_of(endpoints::service::redshift_data), "us-east-1",
                       wire_protocol::json_1_1});
    redshift_data::redshift_data_client data(data_service);

    diagnostics diag;
    redshift_data::execute_request request{
        .sql = "select 1", .database = "dev", .workgroup = ::localaws::testing::workgroup};
    auto started = run(ctx, data.async_execute_statement(request, diag));
    ASSERT_TRUE(started) << diag.to_string();
    const auto calls_before = rotating->calls();

    // The next DescribeStatement answers 503 (after localaws verified its signature); the retry
    // must be signed anew.
    admin_put(ctx, client, "faults",
              boost::json::array{boost::json::object{{"service", "redshift-data"},
                                                     {"operation", "DescribeStatement"},
                                                     {"error_rate", 1},
                                                     {"error", "ServiceUnavailable"},
                                                     {"count", 1}}});
    auto described = run(ctx, data.async_describe_statement(started->id, diag));
    admin_put(ctx, client, "faults", boost::json::array{});
    ASSERT_TRUE(described) << diag.to_string();

    EXPECT_EQ(rotating->calls() - calls_before, 2u);  // credentials asked for once per attempt
    const auto logged = resigned_describes(2);
    ASSERT_EQ(logged.size(), 2u);
    EXPECT_EQ(logged[0].status, 503);
    EXPECT_EQ(logged[1].status, 200);
    // Both verified by localaws, as different sessions: the second attempt carried a new signature.
    EXPECT_NE(logged[0].principal, logged[1].principal);
    EXPECT_NE(logged[0].principal.find("assumed-role/shiftsync-connector/resign-"), std::string::npos);
    EXPECT_NE(logged[1].principal.find("assumed-role/shiftsync-connector/resign-"), std::string::npos);
}
