// The XML bodies of DeleteObjects and CompleteMultipartUpload, read as S3 reads them.
#include "tools/localaws/s3/request_xml.hpp"

#include <gtest/gtest.h>

namespace localaws::s3 {
namespace {

TEST(DeleteObjectsBody, KeysInOrderWithQuiet) {
    auto r = parse_delete_objects(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">\n"
        "  <Quiet>true</Quiet>\n"
        "  <Object><Key>logs/a&amp;b.txt</Key></Object>\n"
        "  <Object><Key><![CDATA[<raw>]]></Key><VersionId>null</VersionId></Object>\n"
        "</Delete>");
    ASSERT_TRUE(r);
    EXPECT_TRUE(r->quiet);
    EXPECT_EQ(r->keys, (std::vector<std::string>{"logs/a&b.txt", "<raw>"}));
    EXPECT_FALSE(parse_delete_objects("<Delete><Object><Key>k</Key></Object></Delete>")->quiet);
}

TEST(DeleteObjectsBody, MalformedXml) {
    EXPECT_FALSE(parse_delete_objects("<Delete><Object><Key>k</Key></Object>"));  // unclosed
    EXPECT_FALSE(parse_delete_objects("<Remove><Object><Key>k</Key></Object></Remove>"));
    EXPECT_FALSE(parse_delete_objects("<Delete><Object><VersionId>v</VersionId></Object></Delete>"));
    EXPECT_FALSE(parse_delete_objects("<Delete><Quiet>true</Quiet></Delete>"));  // no key
    std::string many = "<Delete>";
    for (int i = 0; i < 1001; ++i) many += "<Object><Key>k" + std::to_string(i) + "</Key></Object>";
    EXPECT_FALSE(parse_delete_objects(many + "</Delete>"));
}

// Found by the localaws_s3_xml fuzzer: pugixml drops text made only of white space, so the key " "
// (valid in S3) was read as "" and DeleteObjects named another object than the one sent.
TEST(DeleteObjectsBody, KeysOfWhiteSpaceKept) {
    auto r =
        parse_delete_objects("<Delete>\n <Object><Key> </Key></Object>\n <Object><Key>\t&#13;</Key></Object></Delete>");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->keys, (std::vector<std::string>{" ", "\t\r"}));
}

TEST(CompleteMultipartUploadBody, PartsInOrder) {
    auto parts = parse_complete_multipart(
        "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">\n"
        "  <Part><PartNumber>1</PartNumber><ETag>\"0cc175b9c0f1b6a831c399e269772661\"</ETag>"
        "<ChecksumCRC32>6Kz5vQ==</ChecksumCRC32></Part>\n"
        "  <Part><ETag>&quot;92eb5ffee6ae2fec3ad71c777531578f&quot;</ETag><PartNumber>2</PartNumber></Part>\n"
        "</CompleteMultipartUpload>");
    ASSERT_TRUE(parts);
    ASSERT_EQ(parts->size(), 2u);
    EXPECT_EQ((*parts)[0].number, 1);
    EXPECT_EQ((*parts)[0].etag, "\"0cc175b9c0f1b6a831c399e269772661\"");
    EXPECT_EQ((*parts)[0].checksum, "6Kz5vQ==");
    EXPECT_EQ((*parts)[1].number, 2);
    EXPECT_EQ((*parts)[1].etag, "\"92eb5ffee6ae2fec3ad71c777531578f\"");
    EXPECT_EQ((*parts)[1].checksum, "");
    // No parts is the multipart store's error (InvalidPart), not malformed XML.
    EXPECT_TRUE(parse_complete_multipart("<CompleteMultipartUpload/>")->empty());
}

TEST(CompleteMultipartUploadBody, PartNumberIsTheWholeText) {
    EXPECT_FALSE(
        parse_complete_multipart("<CompleteMultipartUpload><Part><PartNumber>1x</PartNumber><ETag>e</ETag>"
                                 "</Part></CompleteMultipartUpload>"));
    EXPECT_FALSE(
        parse_complete_multipart("<CompleteMultipartUpload><Part><ETag>e</ETag></Part></CompleteMultipartUpload>"));
    EXPECT_FALSE(parse_complete_multipart("<Complete><Part><PartNumber>1</PartNumber></Part></Complete>"));
}

}  // namespace
}  // namespace localaws::s3
