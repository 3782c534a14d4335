// The credential chain as a user sets it up after the connector guide: the operator's keys in the
// credentials file, the customer's role with its ExternalId in the config file.

#include "aws/credentials/environment_provider.hpp"
#include "aws/s3/s3_client.hpp"
#include "chain_fixture.hpp"

using namespace shiftsync;
using namespace shiftsync::aws;
using shiftsync::testing::run_until_done;

namespace {

class CredentialChain : public shiftsync::testing::chain_fixture {
protected:
    static void SetUpTestSuite() { start_localaws("shiftsync-creds-"); }

    void SetUp() override {
        chain_fixture::SetUp();
        env["AWS_EC2_METADATA_DISABLED"] = "true";  // never reach for a metadata service here
        write("credentials", std::string("[operator]\naws_access_key_id = ") + localaws::testing::operator_access_key +
                                 "\naws_secret_access_key = " + localaws::testing::operator_secret_key + "\n");
    }
};

const std::string connector_profile = std::string("[profile connector]\nrole_arn = ") +
                                      localaws::testing::connector_role_arn + "\nsource_profile = operator\n";

}  // namespace

TEST_F(CredentialChain, StaticProfile) {
    diagnostics diag;
    auto who = who_am_i(settings("operator"), diag);
    ASSERT_TRUE(who) << diag.to_string();
    EXPECT_EQ(who->arn, "arn:aws:iam::568237466542:user/operator");
}

TEST_F(CredentialChain, RoleProfileWithExternalIdAssumesTheConnectorRole) {
    write("config", connector_profile + "external_id = " + localaws::testing::connector_external_id +
                        "\nrole_session_name = chain-test\n");
    diagnostics diag;
    auto who = who_am_i(settings("connector"), diag);
    ASSERT_TRUE(who) << diag.to_string();
    EXPECT_EQ(who->arn, "arn:aws:sts::111122223333:assumed-role/shiftsync-connector/chain-test");
}

TEST_F(CredentialChain, AwsProfileFromTheEnvironment) {
    write("config", connector_profile + "external_id = " + localaws::testing::connector_external_id + "\n");
    env["AWS_PROFILE"] = "connector";
    diagnostics diag;
    auto who = who_am_i(settings(), diag);
    ASSERT_TRUE(who) << diag.to_string();
    EXPECT_NE(who->arn.find("assumed-role/shiftsync-connector"), std::string::npos);
}

TEST_F(CredentialChain, ExplicitRoleOnTopOfEnvironmentKeys) {
    env["AWS_ACCESS_KEY_ID"] = localaws::testing::operator_access_key;
    env["AWS_SECRET_ACCESS_KEY"] = localaws::testing::operator_secret_key;
    auto s = settings();
    s.role_arn = localaws::testing::connector_role_arn;
    s.external_id = localaws::testing::connector_external_id;
    // The keys exist only in the injected environment: the environment provider reads the chain's lookup.
    ASSERT_EQ(std::getenv("AWS_ACCESS_KEY_ID"), nullptr);
    diagnostics diag;
    auto who = who_am_i(s, diag);
    ASSERT_TRUE(who) << diag.to_string();
    EXPECT_NE(who->arn.find("assumed-role/shiftsync-connector/shiftsync"), std::string::npos);
}

// The account keys the Data API's shared rate limiters (one per account, region and operation).
TEST_F(CredentialChain, KnowsTheAccountOfTheRoleItAssumesForTheSharedRateLimiters) {
    write("config", connector_profile + "external_id = " + localaws::testing::connector_external_id + "\n");
    diagnostics diag;
    auto by_profile = make_credentials_chain(http, settings("connector"), diag);
    ASSERT_TRUE(by_profile) << diag.to_string();
    EXPECT_EQ((*by_profile)->account_hint(), "111122223333");

    auto s = settings("operator");
    s.role_arn = "arn:aws:iam::444455556666:role/elsewhere";
    auto explicit_role = make_credentials_chain(http, s, diag);
    ASSERT_TRUE(explicit_role) << diag.to_string();
    EXPECT_EQ((*explicit_role)->account_hint(), "444455556666");

    auto keys_only = make_credentials_chain(http, settings("operator"), diag);
    ASSERT_TRUE(keys_only) << diag.to_string();
    EXPECT_EQ((*keys_only)->account_hint(), "");  // static keys do not say their account
}

TEST_F(CredentialChain, WrongOrMissingExternalIdIsAccessDeniedAndSaysSo) {
    for (std::string external : {std::string("external_id = wrong-id\n"), std::string()}) {
        write("config", connector_profile + external);
        diagnostics diag;
        auto who = who_am_i(settings("connector"), diag);
        ASSERT_FALSE(who);
        EXPECT_EQ(who.error(), make_error_code(errc::access_denied)) << diag.to_string();
        EXPECT_NE(diag.to_string().find(localaws::testing::connector_role_arn), std::string::npos) << diag.to_string();
        EXPECT_NE(diag.to_string().find(external.empty() ? "without an ExternalId" : "with an ExternalId"),
                  std::string::npos)
            << diag.to_string();
    }
}

TEST_F(CredentialChain, ConfigurationMistakesAreNamed) {
    diagnostics unknown;
    auto provider = make_credentials_chain(http, settings("nope"), unknown);
    ASSERT_FALSE(provider);
    EXPECT_EQ(provider.error(), make_error_code(errc::invalid_config));
    EXPECT_NE(unknown.client_note.find("profile 'nope' not found"), std::string::npos) << unknown.client_note;
    EXPECT_NE(unknown.client_note.find(env["AWS_CONFIG_FILE"]), std::string::npos) << unknown.client_note;

    write("config", "[profile broken\nregion = us-east-1\n");
    diagnostics malformed;
    provider = make_credentials_chain(http, settings("operator"), malformed);
    ASSERT_FALSE(provider);
    EXPECT_NE(malformed.client_note.find("config file: line 1"), std::string::npos) << malformed.client_note;
}

TEST_F(CredentialChain, SecretsNeverAppearInDiagnostics) {
    write("credentials", std::string("[operator]\naws_access_key_id = ") + localaws::testing::operator_access_key +
                             "\naws_secret_access_key = not-the-real-secret-9f8e7d\n");
    diagnostics diag;
    auto who = who_am_i(settings("operator"), diag);
    ASSERT_FALSE(who);
    EXPECT_EQ(who.error(), make_error_code(errc::invalid_credentials));
    EXPECT_EQ(diag.to_string().find("not-the-real-secret-9f8e7d"), std::string::npos);
}

TEST_F(CredentialChain, AFailedCallIsReportedAsItselfNotAsTheAssumeRoleBeforeIt) {
    // Getting the role's credentials calls STS AssumeRole first; the S3 call that then fails must
    // still be reported as S3's.
    write("config", connector_profile + "external_id = " + localaws::testing::connector_external_id + "\n");
    diagnostics diag;
    auto provider = make_credentials_chain(http, settings("connector"), diag);
    ASSERT_TRUE(provider) << diag.to_string();
    std::string error;
    auto ep = endpoints::resolve(endpoints::service::s3, "us-east-1", {.explicit_url = aws_->endpoint()}, error);
    service_client service(http, *provider, {endpoints::service::s3, *ep, "us-east-1", wire_protocol::rest_xml});
    s3::s3_client s3(service);
    diagnostics call_diag;
    std::string body;
    auto got = run_until_done(ctx, s3.async_get_object(localaws::testing::staging_bucket, "no/such/key", std::nullopt,
                                                       engine::http::string_sink{}, call_diag, &body));
    ASSERT_FALSE(got);
    EXPECT_EQ(call_diag.service, "s3");
    EXPECT_EQ(call_diag.operation, "GetObject");
    EXPECT_EQ(call_diag.code, "NoSuchKey") << call_diag.to_string();
}

TEST_F(CredentialChain, EnvironmentProviderReadsTheInjectedLookupOnEveryCall) {
    ASSERT_EQ(std::getenv("AWS_ACCESS_KEY_ID"), nullptr);
    auto provider = make_environment_provider(settings().env);
    diagnostics missing;
    auto none = run_until_done(ctx, provider->async_get(missing));
    ASSERT_FALSE(none);
    EXPECT_EQ(none.error(), make_error_code(errc::missing_credentials));

    env["AWS_ACCESS_KEY_ID"] = localaws::testing::operator_access_key;
    env["AWS_SECRET_ACCESS_KEY"] = localaws::testing::operator_secret_key;
    diagnostics diag;
    auto first = run_until_done(ctx, provider->async_get(diag));
    ASSERT_TRUE(first) << diag.to_string();
    EXPECT_EQ((*first)->creds.access_key_id, localaws::testing::operator_access_key);
    EXPECT_EQ((*first)->creds.session_token, "");

    // A rotated environment is seen on the next call.
    env["AWS_SESSION_TOKEN"] = "rotated-session-token";
    auto second = run_until_done(ctx, provider->async_get(diag));
    ASSERT_TRUE(second) << diag.to_string();
    EXPECT_EQ((*second)->creds.session_token, "rotated-session-token");

    // And the keys sign real requests: STS knows the operator.
    env.erase("AWS_SESSION_TOKEN");
    auto who = who_am_i(settings(), diag);
    ASSERT_TRUE(who) << diag.to_string();
    EXPECT_EQ(who->arn, "arn:aws:iam::568237466542:user/operator");
}
