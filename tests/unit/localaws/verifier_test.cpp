// SigV4 verification against requests signed by sigv4::signer: both sides must agree byte for byte,
// and every way a request can be wrong must map to AWS's error for its protocol.
#include "tools/localaws/auth/verifier.hpp"
#include "sigv4/signer.hpp"
#include "test_config.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace localaws::auth {
namespace {
namespace sv = shiftsync::sigv4;
using namespace std::chrono_literals;

const sv::credentials operator_creds{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"};

struct signed_request {
    sv::http_request request;
    header_list headers;
};

signed_request sign(const sv::http_request& req, const sv::credentials& creds, bool s3, sv::clock::time_point t,
                    bool presign = false) {
    sv::signer signer;
    sv::signature sig;
    std::vector<sv::header_view> scratch;
    auto options = s3 ? sv::signing_options::for_s3("us-east-1", t) : sv::signing_options::for_service("sts", "us-east-1", t);
    if (!s3) {
        std::string hash;
        sv::append_hex(hash, sv::sha256_of(req.body));
        options.payload_hash = hash;
        EXPECT_EQ(signer.sign(req.view(scratch), creds, options, sig), sv::sign_error::none);
    } else if (presign) {
        EXPECT_EQ(signer.presign(req.view(scratch), creds, options, sig), sv::sign_error::none);
    } else {
        EXPECT_EQ(signer.sign(req.view(scratch), creds, options, sig), sv::sign_error::none);
    }
    signed_request out{req, {}};
    if (presign) out.request.query += (out.request.query.empty() ? "" : "&") + sig.query_to_add;
    for (const auto& h : sig.headers_to_add) out.request.headers.push_back(h);
    for (const auto& h : out.request.headers) {
        std::string name = h.name;
        std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
        out.headers.items.emplace_back(name, h.value);
    }
    return out;
}

class Verifier : public ::testing::Test {
protected:
    void SetUp() override {
        std::string error;
        dir_ = iam::directory::load(testing::default_config(), error);
        ASSERT_TRUE(dir_) << error;
    }

    verified_request check(const signed_request& r, bool s3, sv::clock::time_point now) {
        std::string hash;
        sv::append_hex(hash, sv::sha256_of(r.request.body));
        verify_input in{.method = r.request.method,
                        .raw_path = r.request.path,
                        .raw_query = r.request.query,
                        .headers = &r.headers,
                        .s3 = s3,
                        .body_sha256_hex = hash,
                        .region = "us-east-1",
                        .wall_now = now,
                        .shifted_now = now,
                        .max_skew = 900s};
        return verify(in, *dir_);
    }

    std::unique_ptr<iam::directory> dir_;
};

sv::http_request sts_request() {
    return {"POST", "/", "", {{"Host", "127.0.0.1:9000"}, {"Content-Type", "application/x-www-form-urlencoded"}},
            "Action=GetCallerIdentity&Version=2011-06-15"};
}

TEST_F(Verifier, AcceptsWhatTheSignerSigned) {
    auto now = sv::clock::now();
    auto v = check(sign(sts_request(), operator_creds, false, now), false, now);
    ASSERT_EQ(v.why, failure::none) << v.detail;
    EXPECT_EQ(v.who.arn, "arn:aws:iam::568237466542:user/operator");
    EXPECT_EQ(v.service, "sts");
}

TEST_F(Verifier, S3PathsAreSignedAsSent) {
    auto now = sv::clock::now();
    sv::http_request get{"GET", "/unload-example/a%20b/..%2Fc", "list-type=2&prefix=x%2By", {{"Host", "localhost"}}, ""};
    auto v = check(sign(get, operator_creds, true, now), true, now);
    ASSERT_EQ(v.why, failure::none) << v.detail;
    EXPECT_EQ(v.payload_hash, "UNSIGNED-PAYLOAD");
    auto presigned = check(sign(get, operator_creds, true, now, true), true, now);
    ASSERT_EQ(presigned.why, failure::none) << presigned.detail;
    EXPECT_EQ(check(sign(get, operator_creds, true, now, true), true, now + 3601s).why, failure::presign_expired);
}

TEST_F(Verifier, BodyChangesBreakTheSignature) {
    auto now = sv::clock::now();
    auto r = sign(sts_request(), operator_creds, false, now);
    r.request.body += "&Extra=1";
    auto v = check(r, false, now);
    EXPECT_EQ(v.why, failure::signature_mismatch);
    EXPECT_NE(v.string_to_sign.find("AWS4-HMAC-SHA256"), std::string::npos);
    auto e = to_aws_error(v, error_dialect::query, now);
    EXPECT_EQ(e.code, "SignatureDoesNotMatch");
    EXPECT_EQ(e.status, 403);
    EXPECT_EQ(to_aws_error(v, error_dialect::json, now).code, "InvalidSignatureException");
    auto s3e = to_aws_error(v, error_dialect::s3, now);
    EXPECT_EQ(s3e.code, "SignatureDoesNotMatch");
    // The secret never appears in what the client is told.
    for (const auto& [k, val] : s3e.details) EXPECT_EQ(val.find(operator_creds.secret_access_key), std::string::npos);
}

TEST_F(Verifier, WrongSecretUnknownKeyAndSkew) {
    auto now = sv::clock::now();
    EXPECT_EQ(check(sign(sts_request(), {"AKIAIOSFODNN7EXAMPLE", "wrong"}, false, now), false, now).why,
              failure::signature_mismatch);
    auto unknown = check(sign(sts_request(), {"AKIAUNKNOWN000000000", "x"}, false, now), false, now);
    EXPECT_EQ(unknown.why, failure::unknown_key);
    EXPECT_EQ(to_aws_error(unknown, error_dialect::query, now).code, "InvalidClientTokenId");
    EXPECT_EQ(to_aws_error(unknown, error_dialect::s3, now).code, "InvalidAccessKeyId");
    EXPECT_EQ(to_aws_error(unknown, error_dialect::json, now).code, "UnrecognizedClientException");
    auto skewed = check(sign(sts_request(), operator_creds, false, now - 16min), false, now);
    EXPECT_EQ(skewed.why, failure::time_skewed);
    EXPECT_EQ(to_aws_error(skewed, error_dialect::s3, now).code, "RequestTimeTooSkewed");
    EXPECT_EQ(check(sign(sts_request(), operator_creds, false, now - 14min), false, now).why, failure::none);
}

TEST_F(Verifier, TemporaryCredentialsNeedTheirTokenAndExpire) {
    auto now = sv::clock::now();
    auto s = dir_->issue_session(*dir_->find_role("arn:aws:iam::111122223333:role/shiftsync-connector"), "t", 900s, now);
    sv::credentials temp{s.access_key_id, s.secret, s.session_token};
    EXPECT_EQ(check(sign(sts_request(), temp, false, now), false, now).why, failure::none);
    sv::credentials no_token{s.access_key_id, s.secret, ""};
    EXPECT_EQ(check(sign(sts_request(), no_token, false, now), false, now).why, failure::bad_token);
    // Expiry is judged by localaws's (shifted) clock; the skew check by the wall clock.
    auto r = sign(sts_request(), temp, false, now);
    std::string hash;
    sv::append_hex(hash, sv::sha256_of(r.request.body));
    verify_input in{.method = "POST", .raw_path = "/", .raw_query = "", .headers = &r.headers, .s3 = false,
                    .body_sha256_hex = hash, .region = "us-east-1", .wall_now = now, .shifted_now = now + 901s,
                    .max_skew = 900s};
    auto v = verify(in, *dir_);
    EXPECT_EQ(v.why, failure::expired_token);
    EXPECT_EQ(to_aws_error(v, error_dialect::query, now).code, "ExpiredToken");
    EXPECT_EQ(to_aws_error(v, error_dialect::json, now).code, "ExpiredTokenException");
}

TEST_F(Verifier, S3HeaderFormNeedsContentSha256) {
    auto now = sv::clock::now();
    auto r = sign({"GET", "/b/k", "", {{"Host", "h"}}, ""}, operator_creds, true, now);
    std::erase_if(r.headers.items, [](const auto& h) { return h.first == "x-amz-content-sha256"; });
    EXPECT_EQ(check(r, true, now).why, failure::missing_content_sha256);
}

TEST_F(Verifier, MalformedAuthorization) {
    auto now = sv::clock::now();
    signed_request r{sts_request(), {}};
    r.headers.items = {{"host", "h"}, {"authorization", "AWS4-HMAC-SHA256 Credential=x"}};
    auto v = check(r, false, now);
    EXPECT_EQ(v.why, failure::malformed);
    EXPECT_EQ(to_aws_error(v, error_dialect::query, now).code, "IncompleteSignature");
    r.headers.items = {{"host", "h"}};
    EXPECT_EQ(check(r, false, now).why, failure::missing);
}

}  // namespace
}  // namespace localaws::auth
