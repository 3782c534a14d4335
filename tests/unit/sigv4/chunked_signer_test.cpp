// The S3 streaming-upload example from the S3 API reference ("Signature Calculations for the
// Authorization Header: Transferring Payload in Multiple Chunks"): a 65 KiB object of 'a' sent in
// 64 KiB chunks must reproduce the published seed and chunk signatures.

#include "sigv4/chunked_signer.hpp"
#include "sigv4/signer.hpp"

#include <gtest/gtest.h>

using namespace shiftsync::sigv4;

namespace {

const credentials example_creds{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"};

}  // namespace

TEST(ChunkedSigner, AwsDocumentationExample) {
    constexpr std::uint64_t object_size = 65 * 1024, chunk_size = 64 * 1024;
    const std::string length = std::to_string(chunked_signer::encoded_length(object_size, chunk_size));
    EXPECT_EQ(length, "66824");

    std::vector<header_view> headers = {{"Host", "s3.amazonaws.com"},
                                        {"x-amz-storage-class", "REDUCED_REDUNDANCY"},
                                        {"Content-Encoding", "aws-chunked"},
                                        {"x-amz-decoded-content-length", "66560"},
                                        {"Content-Length", length}};
    request_view req{"PUT", "/examplebucket/chunkObject.txt", "", headers};
    auto opts = signing_options::for_s3("us-east-1", *parse_amz_date("20130524T000000Z"));
    opts.payload_hash = streaming_payload;

    signer s;
    signature seed;
    ASSERT_EQ(s.sign(req, example_creds, opts, seed), sign_error::none);
    EXPECT_EQ(seed.signed_headers,
              "content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;"
              "x-amz-storage-class");
    EXPECT_EQ(seed.signature_hex, "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9");

    chunked_signer chunks(s.key_for(example_creds, "20130524", "us-east-1", "s3"), seed.amz_date, seed.scope,
                          seed.signature_hex);
    EXPECT_EQ(chunks.sign_chunk(std::string(chunk_size, 'a')),
              "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648");
    EXPECT_EQ(chunks.chunk_header(chunk_size),
              "10000;chunk-signature=ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648\r\n");
    EXPECT_EQ(chunks.sign_chunk(std::string(1024, 'a')),
              "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497");
    EXPECT_EQ(chunks.sign_chunk(std::string_view{}), "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9");
}

TEST(ChunkedSigner, EncodedLengthCountsEveryChunkAndTheFinalOne) {
    // One partial chunk of 1 byte: "1;chunk-signature=<64>\r\n" + 1 + "\r\n", then the final chunk.
    EXPECT_EQ(chunked_signer::encoded_length(1, 65536), (1 + 17 + 64 + 2 + 1 + 2) + (1 + 17 + 64 + 2 + 2));
    // Empty body: only the final chunk.
    EXPECT_EQ(chunked_signer::encoded_length(0, 65536), 1u + 17 + 64 + 2 + 2);
    // Exact multiple: no partial chunk.
    EXPECT_EQ(chunked_signer::encoded_length(131072, 65536), 2 * (5 + 17 + 64 + 2 + 65536 + 2) + (1 + 17 + 64 + 2 + 2));
}

TEST(ChunkedSigner, ChainDependsOnEveryPreviousChunk) {
    signer s;
    const hmac_key& key = s.key_for(example_creds, "20130524", "us-east-1", "s3");
    chunked_signer a(key, "20130524T000000Z", "20130524/us-east-1/s3/aws4_request", std::string(64, '0'));
    chunked_signer b(key, "20130524T000000Z", "20130524/us-east-1/s3/aws4_request", std::string(64, '0'));
    a.sign_chunk(std::string_view("first"));
    b.sign_chunk(std::string_view("First"));
    EXPECT_NE(a.sign_chunk(std::string_view("same")), b.sign_chunk(std::string_view("same")));
}
