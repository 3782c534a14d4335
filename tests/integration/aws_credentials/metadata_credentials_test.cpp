// The container and EC2 (IMDSv2) credential providers, through the whole chain, against localaws's
// metadata endpoints (tools/localaws/metadata/): the credentials they bring are real localaws STS
// sessions of the connector role, so GetCallerIdentity with them names the role. The environment is
// injected through chain_settings::env; the process environment is never touched.

#include "chain_fixture.hpp"
#include "tests/support/free_port.hpp"

#include <boost/json.hpp>

namespace json = boost::json;
using namespace shiftsync;
using namespace shiftsync::aws;

namespace {

constexpr const char* instance_id = "i-0a1b2c3d4e5f60718";
constexpr const char* container_token = "container-auth-7c2e91f04ab3";
const std::string role_session_prefix = "arn:aws:sts::111122223333:assumed-role/shiftsync-connector/";

// The default setup, with the connector role also trusting EC2 and ECS tasks and served as the
// instance's and the container's role.
std::string metadata_config() {
    json::value config = json::parse(shiftsync::testing::default_localaws_config());
    auto& role = config.at("accounts").as_array().at(1).at("roles").as_array().at(0).as_object();
    role.at("trust_policy").at("Statement").as_array().push_back(json::object{
        {"Effect", "Allow"},
        {"Principal", json::object{{"Service", json::array{"ec2.amazonaws.com", "ecs-tasks.amazonaws.com"}}}},
        {"Action", "sts:AssumeRole"}});
    config.as_object()["metadata"] = json::object{
        // Ten-minute sessions: inside the STS providers' refresh window, outside the metadata providers'.
        {"instance", json::object{{"role_arn", localaws::testing::connector_role_arn},
                                  {"instance_id", instance_id},
                                  {"session_seconds", 600}}},
        {"container",
         json::object{{"role_arn", localaws::testing::connector_role_arn}, {"authorization_token", container_token}}}};
    return json::serialize(config);
}

class MetadataCredentials : public shiftsync::testing::chain_fixture {
protected:
    // No config files are written: the chain finds nothing there and goes on to the metadata sources.
    static void SetUpTestSuite() { start_localaws("shiftsync-metadata-", metadata_config()); }

    std::string imds_base() const { return aws_->endpoint() + "/_localaws/metadata/ec2"; }
    std::string container_uri() const { return aws_->endpoint() + "/_localaws/metadata/container/credentials"; }

    void use_container(const std::string& token) {
        env["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = container_uri();
        write("token", token + "\n");
        env["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] = (home / "token").string();
        env["AWS_EC2_METADATA_DISABLED"] = "true";
    }

    using chain_fixture::who_am_i;
    boost::system::result<sts::caller_identity> who_am_i(diagnostics& diag) { return who_am_i(settings(), diag); }

    // Requests localaws counted for one metadata operation ("ec2-metadata.GetToken").
    std::uint64_t counted(const std::string& name) {
        auto reply = admin("GET", "counters", "");
        auto doc = json::parse(reply);
        const auto* op = doc.as_object().if_contains(name);
        return op ? op->at("requests").to_number<std::uint64_t>() : 0;
    }

    std::string admin(const std::string& method, const std::string& what, std::string body) {
        engine::http::request req;
        req.method = method;
        req.target = "/_localaws/" + what;
        if (!body.empty()) req.body = engine::http::buffer_source::from(std::move(body));
        auto reply = shiftsync::testing::run_until_done(
            ctx, http.async_send(*engine::http::endpoint::parse(aws_->endpoint()), std::move(req)));
        EXPECT_TRUE(reply && reply->status == 200);
        return reply ? reply->body : std::string();
    }
};

}  // namespace

TEST_F(MetadataCredentials, ContainerCredentialsWithTheTokenFileActAsTheRole) {
    use_container(container_token);
    diagnostics diag;
    auto who = who_am_i(diag);
    ASSERT_TRUE(who) << diag.to_string();
    EXPECT_EQ(who->arn, role_session_prefix + "container");
    EXPECT_EQ(who->account, "111122223333");
}

TEST_F(MetadataCredentials, ContainerTokenFromTheVariableWorksToo) {
    env["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = container_uri();
    env["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = container_token;
    env["AWS_EC2_METADATA_DISABLED"] = "true";
    diagnostics diag;
    auto who = who_am_i(diag);
    ASSERT_TRUE(who) << diag.to_string();
    EXPECT_EQ(who->arn, role_session_prefix + "container");
}

TEST_F(MetadataCredentials, WrongContainerTokenNamesTheEndpointButNotTheToken) {
    use_container("not-the-token-5e8d1a");
    diagnostics diag;
    auto who = who_am_i(diag);
    ASSERT_FALSE(who);
    EXPECT_EQ(who.error(), make_error_code(errc::invalid_credentials)) << diag.to_string();
    const std::string text = diag.to_string();
    EXPECT_NE(text.find(container_uri()), std::string::npos) << text;
    EXPECT_NE(text.find("HTTP 403"), std::string::npos) << text;
    EXPECT_NE(text.find("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"), std::string::npos) << text;
    EXPECT_EQ(text.find("not-the-token-5e8d1a"), std::string::npos) << text;
    EXPECT_EQ(text.find(container_token), std::string::npos) << text;
}

TEST_F(MetadataCredentials, MissingContainerTokenSaysNoneWasSent) {
    env["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = container_uri();
    env["AWS_EC2_METADATA_DISABLED"] = "true";
    diagnostics diag;
    auto who = who_am_i(diag);
    ASSERT_FALSE(who);
    const std::string text = diag.to_string();
    EXPECT_NE(text.find("HTTP 401"), std::string::npos) << text;
    EXPECT_NE(text.find("no Authorization token was sent"), std::string::npos) << text;
}

TEST_F(MetadataCredentials, ContainerUriOffLoopbackOverPlainHttpIsRefusedUnasked) {
    env["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = "http://example.com/creds";
    env["AWS_EC2_METADATA_DISABLED"] = "true";
    diagnostics diag;
    auto who = who_am_i(diag);
    ASSERT_FALSE(who);
    EXPECT_EQ(who.error(), make_error_code(errc::invalid_config));
    EXPECT_NE(diag.client_note.find("http://example.com/creds"), std::string::npos) << diag.client_note;
}

TEST_F(MetadataCredentials, ImdsV2CredentialsActAsTheInstanceRole) {
    env["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = imds_base();
    const auto tokens_before = counted("ec2-metadata.GetToken");
    const auto refused_before = counted("ec2-metadata.GetMetadata");
    diagnostics diag;
    auto who = who_am_i(diag);
    ASSERT_TRUE(who) << diag.to_string();
    EXPECT_EQ(who->arn, role_session_prefix + instance_id);
    // IMDSv2: a token was asked for, and no read was refused for the want of one.
    EXPECT_EQ(counted("ec2-metadata.GetToken"), tokens_before + 1);
    EXPECT_EQ(counted("ec2-metadata.GetMetadata"), refused_before);
}

TEST_F(MetadataCredentials, ImdsDisabledIsNeverAsked) {
    env["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = imds_base();
    env["AWS_EC2_METADATA_DISABLED"] = "TRUE";  // botocore reads it case-insensitively; so do we
    const auto tokens_before = counted("ec2-metadata.GetToken");
    diagnostics diag;
    auto provider = make_credentials_chain(http, settings(), diag);
    ASSERT_FALSE(provider);
    EXPECT_EQ(provider.error(), make_error_code(errc::missing_credentials));
    EXPECT_EQ(counted("ec2-metadata.GetToken"), tokens_before);
}

TEST_F(MetadataCredentials, ChainMovesOnPastAFailingContainerToImds) {
    env["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = container_uri();
    env["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = "wrong";
    env["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = imds_base();
    diagnostics diag;
    auto who = who_am_i(diag);
    ASSERT_TRUE(who) << diag.to_string();
    EXPECT_EQ(who->arn, role_session_prefix + instance_id);
}

TEST_F(MetadataCredentials, ImdsEndpointRefusingConnectionsFailsFastAndSaysWhere) {
    // Nothing listens there: connections are refused.
    const std::string dead = "http://127.0.0.1:" + std::to_string(shiftsync::testing::free_loopback_port());
    env["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = dead;
    diagnostics diag;
    auto started = std::chrono::steady_clock::now();
    auto who = who_am_i(diag);
    auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    RecordProperty("refused_imds_ms", std::to_string(took.count()));  // reported, not asserted
    ASSERT_FALSE(who);
    EXPECT_EQ(who.error(), make_error_code(errc::missing_credentials));
    EXPECT_NE(diag.client_note.find("no EC2 instance metadata service at " + dead), std::string::npos)
        << diag.client_note;
    EXPECT_NE(diag.client_note.find("refused"), std::string::npos) << diag.client_note;
}

TEST_F(MetadataCredentials, ImdsErrorsNameTheRoleAndStatus) {
    env["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = imds_base();
    admin("PUT", "faults", R"([{"service":"ec2-metadata","operation":"GetRoleCredentials","error_rate":1}])");
    diagnostics diag;
    auto who = who_am_i(diag);
    admin("DELETE", "faults", "");
    ASSERT_FALSE(who);
    EXPECT_NE(diag.client_note.find("refused credentials for role shiftsync-connector (HTTP 500)"), std::string::npos)
        << diag.client_note;
    EXPECT_NE(diag.client_note.find(imds_base()), std::string::npos) << diag.client_note;
}

TEST_F(MetadataCredentials, TenMinuteImdsKeysAreFetchedOnceForManyCalls) {
    // EC2 rotates its keys only from five minutes before they expire: keys with ten minutes left must
    // be used as they are, not fetched again for every request.
    env["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = imds_base();
    const auto fetched_before = counted("ec2-metadata.GetRoleCredentials");
    diagnostics diag;
    auto provider = make_credentials_chain(http, settings(), diag);
    ASSERT_TRUE(provider) << diag.to_string();
    for (int i = 0; i < 5; ++i) {
        auto who = who_am_i(*provider, diag);
        ASSERT_TRUE(who) << diag.to_string();
        EXPECT_EQ(who->arn, role_session_prefix + instance_id);
    }
    EXPECT_EQ(counted("ec2-metadata.GetRoleCredentials"), fetched_before + 1);
}

TEST_F(MetadataCredentials, ASilentImdsGivesUpAtItsDeadlines) {
    // Off EC2, 169.254.169.254 usually just never answers: the provider must give up on its own
    // one-second deadlines rather than hang the chain. localaws holds the token request for 30 s.
    env["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = imds_base();
    admin("PUT", "faults", R"([{"service":"ec2-metadata","operation":"GetToken","latency_ms":30000}])");
    diagnostics diag;
    auto started = std::chrono::steady_clock::now();
    auto who = who_am_i(diag);
    auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    admin("DELETE", "faults", "");
    RecordProperty("silent_imds_ms", std::to_string(took.count()));  // reported, not asserted
    ASSERT_FALSE(who);
    EXPECT_EQ(who.error(), make_error_code(errc::missing_credentials));
    EXPECT_NE(diag.client_note.find("no EC2 instance metadata service at " + imds_base()), std::string::npos)
        << diag.client_note;
    EXPECT_NE(diag.client_note.find("deadline"), std::string::npos) << diag.client_note;
}
