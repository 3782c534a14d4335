// aws/ clients against moto_server with signature checks on (started by moto_fixture.py).

#include "aws/client/service_client.hpp"
#include "aws/credentials/assume_role_provider.hpp"
#include "aws/sts/sts_client.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>
#include "tests/support/run_until_done.hpp"

#include <cstdlib>
#include <optional>

namespace asio = boost::asio;
using namespace shiftsync;
using namespace shiftsync::aws;

namespace {

struct moto_env {
    std::string url, key_id, secret, role_arn;
};

moto_env read_env() {
    auto get = [](const char* name) {
        const char* v = std::getenv(name);
        if (!v || !*v) throw std::runtime_error(std::string(name) + " is not set: run this through moto_fixture.py");
        return std::string(v);
    };
    return {get("SHIFTSYNC_MOTO_URL"), get("SHIFTSYNC_MOTO_ACCESS_KEY_ID"), get("SHIFTSYNC_MOTO_SECRET_ACCESS_KEY"),
            get("SHIFTSYNC_MOTO_ROLE_ARN")};
}

template <class T>
T run(boost::asio::io_context& ctx, boost::asio::awaitable<T> task) {
    return shiftsync::testing::run_until_done(ctx, std::move(task));
}

class MotoInterop : public ::testing::Test {
protected:
    void SetUp() override {
        env = read_env();
        std::string error;
        sts_endpoint = *endpoints::resolve(endpoints::service::sts, "us-east-1", {.explicit_url = env.url}, error);
    }

    std::shared_ptr<service_client> sts_service(sigv4::credentials creds) {
        return std::make_shared<service_client>(
            http, make_static_provider(std::move(creds), "moto test user"),
            service_target{endpoints::service::sts, sts_endpoint, "us-east-1", wire_protocol::query});
    }

    std::uint64_t requests_for(std::string_view operation) const {
        std::uint64_t n = 0;
        for (const auto& row : http.metrics().snapshot())
            if (row.operation == operation) n += row.requests;
        return n;
    }

    moto_env env;
    endpoints::endpoint sts_endpoint;
    asio::io_context ctx;
    engine::http::client http{ctx.get_executor()};
};

}  // namespace

TEST_F(MotoInterop, StsGetCallerIdentity) {
    auto service = sts_service({env.key_id, env.secret});
    sts::sts_client sts(*service);
    diagnostics diag;
    auto who = run(ctx, sts.async_get_caller_identity(diag));
    ASSERT_TRUE(who) << diag.to_string();
    EXPECT_NE(who->arn.find("user/shiftsync-operator"), std::string::npos) << who->arn;
}

TEST_F(MotoInterop, WrongSecretIsSignatureDoesNotMatch) {
    auto service = sts_service({env.key_id, "definitely-not-the-secret"});
    sts::sts_client sts(*service);
    diagnostics diag;
    auto who = run(ctx, sts.async_get_caller_identity(diag));
    ASSERT_FALSE(who);
    EXPECT_EQ(who.error(), make_error_code(errc::invalid_credentials));
    EXPECT_EQ(diag.code, "SignatureDoesNotMatch");
    EXPECT_EQ(diag.http_status, 403u);
    EXPECT_EQ(diag.to_string().find("definitely-not-the-secret"), std::string::npos);
}

TEST_F(MotoInterop, AssumeRoleWithExternalIdThenActAsTheRole) {
    auto service = sts_service({env.key_id, env.secret});
    sts::sts_client sts(*service);
    diagnostics diag;
    auto role = run(ctx, sts.async_assume_role({env.role_arn, "shiftsync-test", "a1efa791-4530-43a0-962d-74e2ccf18309",
                                                std::chrono::seconds(900)},
                                               diag));
    ASSERT_TRUE(role) << diag.to_string();
    EXPECT_FALSE(role->credentials.creds.session_token.empty());
    ASSERT_TRUE(role->credentials.expiration);
    EXPECT_GT(*role->credentials.expiration, std::chrono::system_clock::now());

    auto as_role = sts_service(role->credentials.creds);
    sts::sts_client role_sts(*as_role);
    diagnostics diag2;
    auto who = run(ctx, role_sts.async_get_caller_identity(diag2));
    ASSERT_TRUE(who) << diag2.to_string();
    EXPECT_NE(who->arn.find("assumed-role/shiftsync-connector/shiftsync-test"), std::string::npos) << who->arn;
}

TEST_F(MotoInterop, AssumeRoleProviderMakesOneCallForManyWaitersAndRefreshesAhead) {
    auto now = std::chrono::system_clock::now();
    assume_role_settings settings{.role = {.role_arn = env.role_arn,
                                           .external_id = "a1efa791-4530-43a0-962d-74e2ccf18309",
                                           .role_session_name = "provider-test",
                                           .duration = std::chrono::seconds(3600)},
                                  .timing = {.now = [&now] { return now; }}};
    auto provider = make_assume_role_provider(sts_service({env.key_id, env.secret}), settings);

    auto many = [&](int n) {
        int done = 0, ok = 0;
        for (int i = 0; i < n; ++i) {
            asio::co_spawn(ctx, [&]() -> asio::awaitable<bool> {
                diagnostics diag;
                auto creds = co_await provider->async_get(diag);
                co_return creds.has_value();
            }, [&](std::exception_ptr, bool good) { ++done; ok += good; });
        }
        while (done < n) {
            if (ctx.stopped()) ctx.restart();
            ctx.run_one();
        }
        return ok;
    };

    EXPECT_EQ(many(25), 25);
    EXPECT_EQ(requests_for("sts.AssumeRole"), 1u);  // 25 callers, one AssumeRole
    EXPECT_EQ(many(10), 10);
    EXPECT_EQ(requests_for("sts.AssumeRole"), 1u);  // cached

    // moto's credentials expire an hour from the real clock; move ours to 12 minutes before that.
    diagnostics diag;
    auto current = run(ctx, provider->async_get(diag));
    ASSERT_TRUE(current);
    now = *(*current)->expiration - std::chrono::minutes(12);
    EXPECT_EQ(many(10), 10);
    EXPECT_EQ(requests_for("sts.AssumeRole"), 2u);  // one early refresh, nobody else waited for it

    // Past expiry: every caller waits for the one refresh, and takes its result.
    now = *(*current)->expiration + std::chrono::hours(2);
    EXPECT_EQ(many(10), 10);
    EXPECT_EQ(requests_for("sts.AssumeRole"), 3u);
}
