// Hashes, HMAC, hex, timestamps and the signing-key cache.

#include "sigv4/amz_date.hpp"
#include "sigv4/sha256.hpp"
#include "sigv4/signer.hpp"
#include "sigv4/signing_key.hpp"

#include <gtest/gtest.h>

using namespace shiftsync::sigv4;

TEST(Sha256, KnownDigests) {
    EXPECT_EQ(to_hex(sha256_of("")), empty_payload_sha256);
    EXPECT_EQ(to_hex(sha256_of("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    sha256 incremental;
    incremental.update("a").update("b");
    sha256 copy = incremental;  // a copy continues from the same state
    copy.update("c");
    EXPECT_EQ(to_hex(copy.finish()), to_hex(sha256_of("abc")));
    EXPECT_EQ(to_hex(incremental.finish()), to_hex(sha256_of("ab")));
}

TEST(HmacSha256, Rfc4231Vectors) {
    // Test case 2 ("Jefe") and test case 6 (a key longer than a block, hashed first).
    EXPECT_EQ(to_hex(hmac_sha256("Jefe", "what do ya want for nothing?")),
              "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    std::string long_key(131, '\xaa');
    EXPECT_EQ(to_hex(hmac_sha256(long_key, "Test Using Larger Than Block-Size Key - Hash Key First")),
              "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    hmac_key reused("Jefe");
    EXPECT_EQ(to_hex(reused.sign("what do ya want for nothing?")), to_hex(reused.sign("what do ya want for nothing?")));
}

TEST(SigningKey, DerivationMatchesTheAwsExample) {
    // AWS's documented example: secret wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY, 20120215, us-east-1, iam.
    EXPECT_EQ(to_hex(derive_signing_key("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215", "us-east-1", "iam")),
              "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
}

TEST(SigningKey, CacheDerivesOncePerScopeAndEvictsOldest) {
    signing_key_cache cache(2);
    cache.get("secret", "20150830", "us-east-1", "s3");
    cache.get("secret", "20150830", "us-east-1", "s3");
    EXPECT_EQ(cache.derivations(), 1u);
    cache.get("secret", "20150831", "us-east-1", "s3");  // a new day is a new key
    cache.get("other", "20150830", "us-east-1", "s3");   // a new secret too; evicts the oldest
    EXPECT_EQ(cache.derivations(), 3u);
    cache.get("secret", "20150830", "us-east-1", "s3");
    EXPECT_EQ(cache.derivations(), 4u);
}

TEST(AmzDate, FormatsAndParsesBothForms) {
    auto t = parse_amz_date("2015-08-30T12:36:00Z");
    ASSERT_TRUE(t);
    EXPECT_EQ(format_amz_date(*t), "20150830T123600Z");
    EXPECT_EQ(parse_amz_date("20150830T123600Z"), t);
    EXPECT_EQ(format_amz_date(*parse_amz_date("2015-08-30T12:36:00.999Z")), "20150830T123600Z");
    EXPECT_FALSE(parse_amz_date("2015-13-30T12:36:00Z"));
    EXPECT_FALSE(parse_amz_date("20150830T123600"));
    EXPECT_FALSE(parse_amz_date("yesterday"));
}

// Found by the localaws_verifier fuzzer: an X-Amz-Date in year 9999 overflowed the conversion to
// system_clock's nanoseconds (undefined behaviour), and a sign was read as part of the digits.
TEST(AmzDate, RefusesWhatNoTimePointHolds) {
    EXPECT_FALSE(parse_amz_date("99991231T235959Z"));
    EXPECT_FALSE(parse_amz_date("22620412T000000Z"));
    EXPECT_FALSE(parse_amz_date("16770101T000000Z"));
    EXPECT_EQ(format_amz_date(*parse_amz_date("22611231T235959Z")), "22611231T235959Z");
    EXPECT_EQ(format_amz_date(*parse_amz_date("16780101T000000Z")), "16780101T000000Z");
    EXPECT_FALSE(parse_amz_date("-9990830T123600Z"));
    EXPECT_FALSE(parse_amz_date("2015-8-30T12:36:00Z"));
    EXPECT_FALSE(parse_amz_date("20150830T-12600Z"));
    EXPECT_FALSE(parse_amz_date("+0150830T123600Z"));
}

TEST(Signer, RefusesMissingCredentialsAndBadExpiry) {
    signer s;
    signature out;
    std::vector<header_view> headers{{"Host", "example.amazonaws.com"}};
    request_view req{"GET", "/", "", headers};
    auto opts = signing_options::for_service("service", "us-east-1", clock::now());
    EXPECT_EQ(s.sign(req, credentials{"", "secret"}, opts, out), sign_error::missing_credentials);
    opts.expires = std::chrono::seconds(7 * 24 * 3600 + 1);
    EXPECT_EQ(s.presign(req, credentials{"AKID", "secret"}, opts, out), sign_error::bad_expiry);
    opts.expires = std::chrono::seconds(7 * 24 * 3600);
    EXPECT_EQ(s.presign(req, credentials{"AKID", "secret"}, opts, out), sign_error::none);
}

TEST(Signer, ReplacesStaleSignerHeadersOnRetry) {
    // A retried request still carries the previous attempt's Authorization and X-Amz-Date: they must
    // be dropped, not signed.
    signer s;
    auto opts = signing_options::for_service("service", "us-east-1", *parse_amz_date("20150830T123600Z"));
    credentials creds{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"};
    std::vector<header_view> fresh{{"Host", "example.amazonaws.com"}};
    std::vector<header_view> stale{{"Host", "example.amazonaws.com"},
                                   {"X-Amz-Date", "20000101T000000Z"},
                                   {"Authorization", "AWS4-HMAC-SHA256 Credential=old"},
                                   {"User-Agent", "shiftsync/0.1"}};
    signature a, b;
    s.sign({"GET", "/", "", fresh}, creds, opts, a);
    s.sign({"GET", "/", "", stale}, creds, opts, b);
    EXPECT_EQ(a.signature_hex, "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
    EXPECT_EQ(b.signature_hex, a.signature_hex);
}
