// Web identity through the credential chain, end to end: a JWT signed here (RS256, OpenSSL) in a
// token file, AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN (or a profile's web_identity_token_file),
// our provider's unsigned AssumeRoleWithWebIdentity to localaws, whose OIDC provider holds the public
// key and whose role trusts only that provider and subject. The environment is injected.

#include "chain_fixture.hpp"

#include <boost/json.hpp>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <ctime>

namespace json = boost::json;
using namespace shiftsync;
using namespace shiftsync::aws;

namespace {

constexpr const char* issuer = "https://oidc.localaws.test/cpp";
constexpr const char* provider_name = "oidc.localaws.test/cpp";
constexpr const char* subject = "system:serviceaccount:etl:shiftsync";
constexpr const char* web_role_arn = "arn:aws:iam::111122223333:role/shiftsync-web-identity";

std::string base64url(std::string_view bytes) {
    static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    unsigned buffer = 0;
    int bits = 0;
    for (unsigned char c : bytes) {
        buffer = (buffer << 8) | c;
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            out.push_back(alphabet[(buffer >> bits) & 63]);
        }
    }
    if (bits > 0) out.push_back(alphabet[(buffer << (6 - bits)) & 63]);
    return out;
}

// An RSA key that signs JWTs as an OIDC provider would.
class token_issuer {
public:
    token_issuer() : key_(EVP_RSA_gen(2048)) {
        if (!key_) throw std::runtime_error("RSA key generation failed");
    }
    ~token_issuer() { EVP_PKEY_free(key_); }
    token_issuer(const token_issuer&) = delete;
    token_issuer& operator=(const token_issuer&) = delete;

    std::string public_pem() const {
        BIO* bio = BIO_new(BIO_s_mem());
        PEM_write_bio_PUBKEY(bio, key_);
        char* data = nullptr;
        long n = BIO_get_mem_data(bio, &data);
        std::string pem(data, static_cast<std::size_t>(n));
        BIO_free(bio);
        return pem;
    }

    std::string token(const std::string& audience = "sts.amazonaws.com", long long lifetime = 3600) const {
        json::object header{{"alg", "RS256"}, {"typ", "JWT"}};
        json::object payload{{"iss", issuer},
                             {"sub", subject},
                             {"aud", audience},
                             {"exp", static_cast<long long>(std::time(nullptr)) + lifetime}};
        std::string input = base64url(json::serialize(header)) + "." + base64url(json::serialize(payload));
        EVP_MD_CTX* md = EVP_MD_CTX_new();
        std::size_t length = 0;
        EVP_DigestSignInit(md, nullptr, EVP_sha256(), nullptr, key_);
        EVP_DigestSign(md, nullptr, &length, reinterpret_cast<const unsigned char*>(input.data()), input.size());
        std::string signature(length, '\0');
        EVP_DigestSign(md, reinterpret_cast<unsigned char*>(signature.data()), &length,
                       reinterpret_cast<const unsigned char*>(input.data()), input.size());
        EVP_MD_CTX_free(md);
        signature.resize(length);
        return input + "." + base64url(signature);
    }

private:
    EVP_PKEY* key_;
};

// The default setup plus the OIDC provider and a role that trusts only it, for one subject.
std::string web_identity_config(const std::string& public_pem) {
    json::value config = json::parse(shiftsync::testing::default_localaws_config());
    auto& customer = config.at("accounts").as_array().at(1).as_object();
    customer["oidc_providers"] = json::array{
        json::object{{"url", issuer}, {"client_ids", json::array{"sts.amazonaws.com"}}, {"public_key_pem", public_pem}}};
    json::value role = customer.at("roles").as_array().at(0);  // the connector's permissions
    role.as_object()["name"] = "shiftsync-web-identity";
    role.as_object()["trust_policy"] = json::object{
        {"Version", "2012-10-17"},
        {"Statement",
         json::array{json::object{
             {"Effect", "Allow"},
             {"Principal", json::object{{"Federated", std::string("arn:aws:iam::111122223333:oidc-provider/") +
                                                          provider_name}}},
             {"Action", "sts:AssumeRoleWithWebIdentity"},
             {"Condition",
              json::object{{"StringEquals", json::object{{std::string(provider_name) + ":sub", subject}}}}}}}}};
    customer.at("roles").as_array().push_back(std::move(role));
    return json::serialize(config);
}

class WebIdentity : public shiftsync::testing::chain_fixture {
protected:
    static void SetUpTestSuite() {
        issuer_ = new token_issuer;
        start_localaws("shiftsync-webid-", web_identity_config(issuer_->public_pem()));
    }
    static void TearDownTestSuite() {
        chain_fixture::TearDownTestSuite();
        delete issuer_;
    }

    void SetUp() override {
        chain_fixture::SetUp();
        env["AWS_EC2_METADATA_DISABLED"] = "true";
        token_file = (home / "token").string();
    }

    void write_token(const std::string& token) { std::ofstream(token_file) << token; }

    inline static token_issuer* issuer_ = nullptr;
    std::string token_file;
};

}  // namespace

TEST_F(WebIdentity, TokenFileAndRoleArnFromTheEnvironment) {
    write_token(issuer_->token());
    env["AWS_WEB_IDENTITY_TOKEN_FILE"] = token_file;
    env["AWS_ROLE_ARN"] = web_role_arn;
    env["AWS_ROLE_SESSION_NAME"] = "etl-run";
    diagnostics diag;
    auto who = who_am_i(settings(), diag);
    ASSERT_TRUE(who) << diag.to_string();
    EXPECT_EQ(who->arn, "arn:aws:sts::111122223333:assumed-role/shiftsync-web-identity/etl-run");
}

TEST_F(WebIdentity, ProfileWithWebIdentityTokenFile) {
    write_token(issuer_->token());
    write("config", std::string("[profile pod]\nrole_arn = ") + web_role_arn + "\nweb_identity_token_file = " +
                        token_file + "\nrole_session_name = pod-1\n");
    diagnostics diag;
    auto who = who_am_i(settings("pod"), diag);
    ASSERT_TRUE(who) << diag.to_string();
    EXPECT_EQ(who->arn, "arn:aws:sts::111122223333:assumed-role/shiftsync-web-identity/pod-1");
}

TEST_F(WebIdentity, TheTokenFileIsReadAgainOnEachRefresh) {
    write_token(issuer_->token());
    env["AWS_WEB_IDENTITY_TOKEN_FILE"] = token_file;
    env["AWS_ROLE_ARN"] = web_role_arn;
    diagnostics diag;
    auto chain = make_credentials_chain(http, settings(), diag);
    ASSERT_TRUE(chain) << diag.to_string();
    ASSERT_TRUE(who_am_i(*chain, diag)) << diag.to_string();

    // The file now holds an expired token: after an invalidation the provider must read it again.
    write_token(issuer_->token("sts.amazonaws.com", -60));
    (*chain)->invalidate();
    diagnostics expired;
    auto got = shiftsync::testing::run_until_done(ctx, (*chain)->async_get(expired));
    ASSERT_FALSE(got);
    EXPECT_EQ(expired.code, "ExpiredTokenException") << expired.to_string();
}

TEST_F(WebIdentity, ARefusedTokenNamesTheRoleAndStsReasonButNotTheToken) {
    const std::string token = issuer_->token("some-other-audience");
    write_token(token);
    env["AWS_WEB_IDENTITY_TOKEN_FILE"] = token_file;
    env["AWS_ROLE_ARN"] = web_role_arn;
    diagnostics diag;
    auto who = who_am_i(settings(), diag);
    ASSERT_FALSE(who);
    const std::string text = diag.to_string();
    EXPECT_EQ(diag.code, "InvalidIdentityToken") << text;
    EXPECT_NE(text.find(web_role_arn), std::string::npos) << text;
    EXPECT_NE(text.find("Incorrect token audience"), std::string::npos) << text;
    EXPECT_EQ(text.find(token.substr(token.rfind('.') + 1)), std::string::npos) << text;
}

TEST_F(WebIdentity, AMissingTokenFileIsNamed) {
    env["AWS_WEB_IDENTITY_TOKEN_FILE"] = (home / "no-such-token").string();
    env["AWS_ROLE_ARN"] = web_role_arn;
    diagnostics diag;
    auto who = who_am_i(settings(), diag);
    ASSERT_FALSE(who);
    EXPECT_NE(diag.to_string().find((home / "no-such-token").string()), std::string::npos) << diag.to_string();
}
