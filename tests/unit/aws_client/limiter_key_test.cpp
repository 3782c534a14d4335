// One Data API rate limiter per (account, region, operation), shared by the whole process: two
// service_clients acting in different customer accounts on one engine client get separate
// limiters, clients of the same account share one, and a later client never resets a limiter an
// earlier one set up. No request is sent: the engine client's limiter registry is read directly.
#include "aws/client/service_client.hpp"
#include "aws/credentials/assume_role_provider.hpp"

#include <gtest/gtest.h>
#include <boost/asio/io_context.hpp>

namespace shiftsync::aws {
namespace {

namespace http = engine::http;

class limiter_keys : public ::testing::Test {
protected:
    // An assumed role's provider; nothing is assumed until a call needs credentials.
    std::shared_ptr<credentials_provider> role(const std::string& arn) {
        return make_assume_role_provider(sts_, {.role = {.role_arn = arn, .external_id = "x"}});
    }
    service_target data_api(std::optional<std::map<std::string, double>> limits = std::nullopt) {
        return {endpoints::service::redshift_data, endpoint_, "us-east-1", wire_protocol::json_1_1, std::move(limits)};
    }

    boost::asio::io_context io_;
    http::client http_{io_.get_executor()};
    endpoints::endpoint endpoint_{.scheme = "http", .host = "127.0.0.1", .port = 9};
    std::shared_ptr<credentials_provider> operator_keys_ = make_static_provider({"AKID", "secret"}, "operator keys");
    std::shared_ptr<service_client> sts_ = std::make_shared<service_client>(
        http_, operator_keys_, service_target{endpoints::service::sts, endpoint_, "us-east-1", wire_protocol::query});
};

TEST_F(limiter_keys, an_assumed_role_names_its_account) {
    EXPECT_EQ(role("arn:aws:iam::111122223333:role/shiftsync-connector")->account_hint(), "111122223333");
    EXPECT_EQ(role("arn:aws-cn:iam::444455556666:role/path/to/r")->account_hint(), "444455556666");
    EXPECT_EQ(operator_keys_->account_hint(), "");  // static keys: unknown without asking STS
}

TEST_F(limiter_keys, account_of_arn_reads_only_a_12_digit_account_field) {
    EXPECT_EQ(account_of_arn("arn:aws:iam::111122223333:role/x"), "111122223333");
    EXPECT_EQ(account_of_arn("arn:aws:sts::111122223333:assumed-role/x/s"), "111122223333");
    EXPECT_EQ(account_of_arn("arn:aws:s3:::bucket"), "");
    EXPECT_EQ(account_of_arn("arn:aws:iam::1111:role/x"), "");
    EXPECT_EQ(account_of_arn("not-an-arn:aws:iam::111122223333:role/x"), "");
    EXPECT_EQ(account_of_arn("role/x"), "");
    EXPECT_EQ(account_of_arn(""), "");
}

TEST_F(limiter_keys, different_accounts_get_separate_limiters_and_one_account_shares_one) {
    service_client first(http_, role("arn:aws:iam::111122223333:role/a"), data_api());
    service_client other_account(http_, role("arn:aws:iam::444455556666:role/a"), data_api());
    service_client same_account(http_, role("arn:aws:iam::111122223333:role/b"), data_api());

    EXPECT_EQ(first.limiter_key("ExecuteStatement"), "redshift-data:us-east-1:111122223333:ExecuteStatement");
    EXPECT_EQ(other_account.limiter_key("ExecuteStatement"), "redshift-data:us-east-1:444455556666:ExecuteStatement");
    EXPECT_EQ(same_account.limiter_key("ExecuteStatement"), first.limiter_key("ExecuteStatement"));
    // Each account's limiters start at its share (95%) of the published quotas.
    for (const auto* client : {&first, &other_account}) {
        EXPECT_DOUBLE_EQ(*http_.rate_limit(client->limiter_key("ExecuteStatement")), 30.0 * 0.95);
        EXPECT_DOUBLE_EQ(*http_.rate_limit(client->limiter_key("DescribeStatement")), 100.0 * 0.95);
        EXPECT_DOUBLE_EQ(*http_.rate_limit(client->limiter_key("GetStatementResult")), 20.0 * 0.95);
    }
}

TEST_F(limiter_keys, a_later_client_of_the_same_account_does_not_reset_the_shared_limiter) {
    service_client first(http_, role("arn:aws:iam::111122223333:role/a"),
                         data_api(std::map<std::string, double>{{"ExecuteStatement", 5.0}}));
    service_client later(http_, role("arn:aws:iam::111122223333:role/b"), data_api());
    EXPECT_DOUBLE_EQ(*http_.rate_limit(later.limiter_key("ExecuteStatement")), 5.0 * 0.95);
    // Another account's client sets up its own.
    service_client elsewhere(http_, role("arn:aws:iam::444455556666:role/a"),
                             data_api(std::map<std::string, double>{{"ExecuteStatement", 7.0}}));
    EXPECT_DOUBLE_EQ(*http_.rate_limit(elsewhere.limiter_key("ExecuteStatement")), 7.0 * 0.95);
    EXPECT_DOUBLE_EQ(*http_.rate_limit(first.limiter_key("ExecuteStatement")), 5.0 * 0.95);
}

TEST_F(limiter_keys, clients_of_unknown_account_share_one_default_limiter_per_operation) {
    service_client a(http_, make_static_provider({"AKID1", "s1"}, "keys 1"), data_api());
    service_client b(http_, make_static_provider({"AKID2", "s2"}, "keys 2"), data_api());
    EXPECT_EQ(a.limiter_key("DescribeStatement"), "redshift-data:us-east-1::DescribeStatement");
    EXPECT_EQ(b.limiter_key("DescribeStatement"), a.limiter_key("DescribeStatement"));
    service_client assumed(http_, role("arn:aws:iam::111122223333:role/a"), data_api());
    EXPECT_NE(assumed.limiter_key("DescribeStatement"), a.limiter_key("DescribeStatement"));
}

}  // namespace
}  // namespace shiftsync::aws
