#include "tools/localaws/iam/directory.hpp"
#include "tools/localaws/iam/policy.hpp"
#include "test_config.hpp"

#include <gtest/gtest.h>

namespace localaws::iam {
namespace {

constexpr const char* role_arn = "arn:aws:iam::111122223333:role/shiftsync-connector";
constexpr const char* external_id = "a1efa791-4530-43a0-962d-74e2ccf18309";

policy parse(const char* text) {
    std::string error;
    auto p = parse_policy(boost::json::parse(text), "test", error);
    EXPECT_TRUE(p) << error;
    return p.value_or(policy{});
}

TEST(Wildcard, MatchesLikeIam) {
    EXPECT_TRUE(wildcard_match("s3:*", "s3:GetObject", true));
    EXPECT_TRUE(wildcard_match("S3:get*", "s3:GetObject", true));
    EXPECT_FALSE(wildcard_match("s3:Get*", "s3:PutObject", true));
    EXPECT_TRUE(wildcard_match("arn:aws:s3:::b/*", "arn:aws:s3:::b/a/b/c", false));
    EXPECT_FALSE(wildcard_match("arn:aws:s3:::b/*", "arn:aws:s3:::b", false));
    EXPECT_FALSE(wildcard_match("arn:aws:s3:::B/*", "arn:aws:s3:::b/k", false));  // resources are case-sensitive
    EXPECT_TRUE(wildcard_match("a?c", "abc", false));
    EXPECT_TRUE(wildcard_match("*a*b*", "xxaxxbxx", false));
    EXPECT_FALSE(wildcard_match("*a*b", "xxaxxbxxc", false));
    EXPECT_TRUE(wildcard_match("*", "", false));
}

TEST(Evaluate, ExplicitDenyWinsOverAllow) {
    auto allow = parse(R"({"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]})");
    auto deny = parse(R"({"Statement":{"Effect":"Deny","Action":"s3:DeleteObject","Resource":"arn:aws:s3:::b/*"}})");
    std::vector<const policy*> both{&allow, &deny};
    EXPECT_EQ(evaluate(both, "s3:GetObject", "arn:aws:s3:::b/k", {}), decision::allow);
    EXPECT_EQ(evaluate(both, "s3:DeleteObject", "arn:aws:s3:::b/k", {}), decision::explicit_deny);
    EXPECT_EQ(evaluate(both, "s3:DeleteObject", "arn:aws:s3:::other/k", {}), decision::allow);
    EXPECT_EQ(evaluate({}, "s3:GetObject", "arn:aws:s3:::b/k", {}), decision::implicit_deny);
}

TEST(Evaluate, NotActionAndNotResource) {
    auto p = parse(R"({"Statement":[{"Effect":"Allow","NotAction":"iam:*","NotResource":"arn:aws:s3:::secret/*"}]})");
    std::vector<const policy*> ps{&p};
    EXPECT_EQ(evaluate(ps, "s3:GetObject", "arn:aws:s3:::public/k", {}), decision::allow);
    EXPECT_EQ(evaluate(ps, "iam:CreateUser", "*", {}), decision::implicit_deny);
    EXPECT_EQ(evaluate(ps, "s3:GetObject", "arn:aws:s3:::secret/k", {}), decision::implicit_deny);
}

TEST(Evaluate, Conditions) {
    auto p = parse(R"({"Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*",
        "Condition":{"StringLike":{"s3:prefix":["home/*","shared/*"]},"StringEqualsIfExists":{"s3:delimiter":"/"}}}]})");
    std::vector<const policy*> ps{&p};
    EXPECT_EQ(evaluate(ps, "s3:ListBucket", "arn:aws:s3:::b", {{"s3:prefix", "home/me"}}), decision::allow);
    EXPECT_EQ(evaluate(ps, "s3:ListBucket", "arn:aws:s3:::b", {{"s3:prefix", "home/me"}, {"s3:delimiter", "/"}}),
              decision::allow);
    EXPECT_EQ(evaluate(ps, "s3:ListBucket", "arn:aws:s3:::b", {{"s3:prefix", "home/me"}, {"s3:delimiter", "-"}}),
              decision::implicit_deny);
    EXPECT_EQ(evaluate(ps, "s3:ListBucket", "arn:aws:s3:::b", {{"s3:prefix", "etc/"}}), decision::implicit_deny);
    EXPECT_EQ(evaluate(ps, "s3:ListBucket", "arn:aws:s3:::b", {}), decision::implicit_deny);  // key absent
}

TEST(Evaluate, UnknownConditionOperatorNeverMatches) {
    auto p = parse(R"({"Statement":[{"Effect":"Allow","Action":"*","Resource":"*",
        "Condition":{"DateGreaterThan":{"aws:CurrentTime":"2020-01-01T00:00:00Z"}}}]})");
    EXPECT_EQ(evaluate({&p}, "s3:GetObject", "*", {{"aws:CurrentTime", "x"}}), decision::implicit_deny);
}

TEST(Parse, RejectsMalformedDocuments) {
    std::string error;
    EXPECT_FALSE(parse_policy(boost::json::parse(R"({"Statement":[{"Effect":"Maybe","Action":"*"}]})"), "x", error));
    EXPECT_FALSE(parse_policy(boost::json::parse(R"({"Statement":[{"Effect":"Allow"}]})"), "x", error));
    EXPECT_FALSE(parse_policy(boost::json::parse(R"([1,2])"), "x", error));
}

class DefaultSetup : public ::testing::Test {
protected:
    void SetUp() override {
        std::string error;
        dir_ = directory::load(testing::default_config(), error);
        ASSERT_TRUE(dir_) << error;
        role_ = dir_->find_role(role_arn);
        ASSERT_TRUE(role_);
        auto key = dir_->find_key("AKIAIOSFODNN7EXAMPLE");
        ASSERT_TRUE(key);
        operator_ = key->who;
    }
    std::unique_ptr<directory> dir_;
    const role* role_ = nullptr;
    principal operator_;
};

TEST_F(DefaultSetup, OperatorMayOnlyAssumeRoles) {
    EXPECT_EQ(operator_.arn, "arn:aws:iam::568237466542:user/operator");
    EXPECT_EQ(dir_->authorize(operator_, "sts:AssumeRole", role_arn, {}), decision::allow);
    EXPECT_EQ(dir_->authorize(operator_, "s3:GetObject", "arn:aws:s3:::unload-example/k", {}), decision::implicit_deny);
    EXPECT_EQ(dir_->authorize(operator_, "redshift-serverless:GetCredentials", "*", {}), decision::implicit_deny);
}

TEST_F(DefaultSetup, TrustNeedsTheExternalId) {
    EXPECT_EQ(dir_->trust_allows(*role_, operator_, {{"sts:ExternalId", external_id}}), decision::allow);
    EXPECT_EQ(dir_->trust_allows(*role_, operator_, {{"sts:ExternalId", "wrong"}}), decision::implicit_deny);
    EXPECT_EQ(dir_->trust_allows(*role_, operator_, {}), decision::implicit_deny);
    EXPECT_TRUE(dir_->service_may_assume(*role_, "redshift.amazonaws.com"));
    EXPECT_FALSE(dir_->service_may_assume(*role_, "ec2.amazonaws.com"));
}

TEST_F(DefaultSetup, RoleHasExactlyTheDocumentedPermissions) {
    auto who = dir_->principal_for_role(*role_, "s");
    EXPECT_EQ(who.arn, "arn:aws:sts::111122223333:assumed-role/shiftsync-connector/s");
    EXPECT_EQ(who.redshift_db_user(), "IAMR:shiftsync-connector");
    EXPECT_EQ(who.tags.at("RedshiftDbRoles"), "rss_admin");
    for (const char* action : {"s3:PutObject", "s3:GetObject", "s3:GetObjectAttributes", "s3:DeleteObject"})
        EXPECT_EQ(dir_->authorize(who, action, "arn:aws:s3:::unload-example/a/b", {}), decision::allow) << action;
    EXPECT_EQ(dir_->authorize(who, "s3:ListBucket", "arn:aws:s3:::unload-example", {}), decision::allow);
    EXPECT_EQ(dir_->authorize(who, "s3:GetObject", "arn:aws:s3:::other-bucket/k", {}), decision::implicit_deny);
    for (const char* action : {"s3:AbortMultipartUpload", "s3:ListMultipartUploadParts", "s3:CreateBucket"})
        EXPECT_EQ(dir_->authorize(who, action, "arn:aws:s3:::unload-example/k", {}), decision::implicit_deny) << action;
    for (const char* action : {"redshift-data:ExecuteStatement", "redshift-data:GetStatementResult",
                               "redshift-serverless:GetCredentials"})
        EXPECT_EQ(dir_->authorize(who, action, "arn:aws:redshift-serverless:us-east-1:111122223333:workgroup/x", {}),
                  decision::allow) << action;
    for (const char* action : {"redshift-data:BatchExecuteStatement", "redshift-data:GetStatementResultV2",
                               "redshift-data:ListStatements"})
        EXPECT_EQ(dir_->authorize(who, action, "*", {}), decision::implicit_deny) << action;
}

TEST_F(DefaultSetup, SessionsExpireAndKeysResolve) {
    auto now = std::chrono::system_clock::now();
    auto s = dir_->issue_session(*role_, "sess", std::chrono::seconds(900), now);
    EXPECT_EQ(s.access_key_id.substr(0, 4), "ASIA");
    auto key = dir_->find_key(s.access_key_id);
    ASSERT_TRUE(key);
    EXPECT_EQ(key->session_token, s.session_token);
    EXPECT_EQ(key->who.role_arn, role_arn);
    EXPECT_LE(key->who.expiration, now + std::chrono::seconds(900));
    EXPECT_FALSE(dir_->find_key("ASIANOTISSUED0000000"));
}

}  // namespace
}  // namespace localaws::iam
