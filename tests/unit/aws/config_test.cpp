#include "aws/config/credential_plan.hpp"
#include "aws/config/ini_file.hpp"
#include "aws/config/shared_config.hpp"

#include <gtest/gtest.h>

using namespace shiftsync::aws::config;

namespace {

shared_config parse_or_fail(std::string_view config, std::string_view credentials = "") {
    std::string error;
    auto parsed = shared_config::parse(config, credentials, error);
    EXPECT_TRUE(parsed) << error;
    return parsed ? *parsed : shared_config{};
}

}  // namespace

TEST(IniFile, SectionsNestedValuesAndComments) {
    std::string error;
    auto ini = parse_ini(
        "# a comment\n"
        "[default]\n"
        "Region = us-east-1\n"
        "; another\n"
        "s3 =\n"
        "  addressing_style = path\n"
        "  max_concurrent_requests = 20\n"
        "output = json\n"
        "[profile   spaced]\n"
        "role_arn = arn:aws:iam::1:role/x  \n",
        error);
    ASSERT_TRUE(ini) << error;
    const auto& def = ini->sections.at("default");
    EXPECT_EQ(def.values.at("region"), "us-east-1");
    EXPECT_EQ(def.values.at("output"), "json");
    EXPECT_EQ(def.nested.at("s3").at("addressing_style"), "path");
    EXPECT_EQ(def.nested.at("s3").at("max_concurrent_requests"), "20");
    EXPECT_EQ(ini->sections.at("profile spaced").values.at("role_arn"), "arn:aws:iam::1:role/x");
}

TEST(IniFile, SyntaxErrorsSayTheLine) {
    std::string error;
    EXPECT_FALSE(parse_ini("[default\nregion = x\n", error));
    EXPECT_NE(error.find("line 1"), std::string::npos);
    EXPECT_FALSE(parse_ini("[default]\nregion us-east-1\n", error));
    EXPECT_NE(error.find("line 2"), std::string::npos);
    EXPECT_FALSE(parse_ini("region = x\n", error));
}

TEST(SharedConfig, CredentialsFileWinsOverConfigFile) {
    auto config = parse_or_fail("[default]\nregion = eu-west-1\naws_access_key_id = FROMCONFIG\n[profile b]\nregion = us-west-2\n",
                                "[default]\naws_access_key_id = FROMCREDS\naws_secret_access_key = s\n");
    const profile* def = config.find_profile("default");
    ASSERT_TRUE(def);
    EXPECT_EQ(def->get("aws_access_key_id"), "FROMCREDS");
    EXPECT_EQ(def->get("region"), "eu-west-1");
    ASSERT_TRUE(config.find_profile("b"));
    EXPECT_FALSE(config.find_profile("profile b"));
}

TEST(CredentialPlan, StaticKeys) {
    auto config = parse_or_fail("", "[default]\naws_access_key_id = AKID\naws_secret_access_key = SECRET\naws_session_token = TOK\n");
    std::string error;
    auto plan = plan_credentials(config, "default", error);
    ASSERT_TRUE(plan) << error;
    EXPECT_EQ(plan->source, base_source::static_keys);
    EXPECT_EQ(plan->static_credentials.access_key_id, "AKID");
    EXPECT_EQ(plan->static_credentials.session_token, "TOK");
    EXPECT_TRUE(plan->roles.empty());
}

TEST(CredentialPlan, RoleChainWithExternalIdFromSourceProfiles) {
    auto config = parse_or_fail(
        "[profile connector]\n"
        "role_arn = arn:aws:iam::111122223333:role/shiftsync-connector\n"
        "external_id = a1efa791-4530-43a0-962d-74e2ccf18309\n"
        "role_session_name = nightly\n"
        "duration_seconds = 3600\n"
        "source_profile = hop\n"
        "[profile hop]\n"
        "role_arn = arn:aws:iam::568237466542:role/hop\n"
        "source_profile = operator\n",
        "[operator]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n");
    std::string error;
    auto plan = plan_credentials(config, "connector", error);
    ASSERT_TRUE(plan) << error;
    EXPECT_EQ(plan->source, base_source::static_keys);
    EXPECT_EQ(plan->static_credentials.access_key_id, "AKIAIOSFODNN7EXAMPLE");
    ASSERT_EQ(plan->roles.size(), 2u);
    EXPECT_EQ(plan->roles[0].role_arn, "arn:aws:iam::568237466542:role/hop");
    EXPECT_EQ(plan->roles[1].role_arn, "arn:aws:iam::111122223333:role/shiftsync-connector");
    EXPECT_EQ(plan->roles[1].external_id, "a1efa791-4530-43a0-962d-74e2ccf18309");
    EXPECT_EQ(plan->roles[1].role_session_name, "nightly");
    EXPECT_EQ(plan->roles[1].duration, std::chrono::seconds(3600));
}

TEST(CredentialPlan, SelfSourcedProfileAndCredentialSources) {
    auto config = parse_or_fail(
        "[profile self]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = self\n"
        "aws_access_key_id = AKID\naws_secret_access_key = S\n"
        "[profile env]\nrole_arn = arn:aws:iam::1:role/r\ncredential_source = Environment\n"
        "[profile web]\nrole_arn = arn:aws:iam::1:role/r\nweb_identity_token_file = /var/run/token\n");
    std::string error;
    auto self = plan_credentials(config, "self", error);
    ASSERT_TRUE(self) << error;
    EXPECT_EQ(self->static_credentials.access_key_id, "AKID");
    EXPECT_EQ(self->roles.size(), 1u);
    auto env = plan_credentials(config, "env", error);
    ASSERT_TRUE(env) << error;
    EXPECT_EQ(env->source, base_source::environment);
    auto web = plan_credentials(config, "web", error);
    ASSERT_TRUE(web) << error;
    EXPECT_EQ(web->source, base_source::web_identity);
    EXPECT_EQ(web->web_identity_token_file, "/var/run/token");
}

TEST(CredentialPlan, ClearErrors) {
    auto config = parse_or_fail(
        "[profile a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = b\n"
        "[profile b]\nrole_arn = arn:aws:iam::1:role/b\nsource_profile = a\n"
        "[profile both]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = a\ncredential_source = Environment\n"
        "[profile badsource]\nrole_arn = arn:aws:iam::1:role/x\ncredential_source = Somewhere\n"
        "[profile short]\nrole_arn = arn:aws:iam::1:role/x\ncredential_source = Environment\nduration_seconds = 60\n"
        "[profile dangling]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = nowhere\n"
        "[profile empty]\nregion = us-east-1\n");
    std::string error;
    EXPECT_FALSE(plan_credentials(config, "missing", error));
    EXPECT_NE(error.find("profile 'missing' not found"), std::string::npos);
    EXPECT_FALSE(plan_credentials(config, "a", error));
    EXPECT_NE(error.find("loop"), std::string::npos);
    EXPECT_FALSE(plan_credentials(config, "both", error));
    EXPECT_NE(error.find("exactly one"), std::string::npos);
    EXPECT_FALSE(plan_credentials(config, "badsource", error));
    EXPECT_NE(error.find("Somewhere"), std::string::npos);
    EXPECT_FALSE(plan_credentials(config, "short", error));
    EXPECT_NE(error.find("900"), std::string::npos);
    EXPECT_FALSE(plan_credentials(config, "dangling", error));
    EXPECT_NE(error.find("nowhere"), std::string::npos);
    EXPECT_FALSE(plan_credentials(config, "empty", error));
    EXPECT_NE(error.find("neither"), std::string::npos);
}
