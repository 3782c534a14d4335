"""S3 objects through boto3 as the documented role: put/get/head/delete, ranges, conditionals,
ETags, checksums, DeleteObjects, GetObjectAttributes, listing, and IAM per action."""
import base64
import hashlib
import os
import unittest
import zlib

from botocore.exceptions import ClientError

from localaws_fixture import BUCKET, NO_RETRIES, LocalAWSTestCase


def crc32c(data):
    """CRC32C (Castagnoli), bit by bit: botocore needs awscrt for it, which is not installed here."""
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return base64.b64encode((crc ^ 0xFFFFFFFF).to_bytes(4, "big")).decode()


class S3ObjectTest(LocalAWSTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.s3 = cls.aws.role_session().client("s3", endpoint_url=cls.aws.endpoint, config=NO_RETRIES)

    def put(self, key, body, **kw):
        return self.s3.put_object(Bucket=BUCKET, Key=key, Body=body, **kw)

    def test_put_get_roundtrip_with_md5_etag(self):
        body = os.urandom(100_000)
        out = self.put("roundtrip/one.bin", body, ContentType="application/x-test", Metadata={"color": "blue"})
        self.assertEqual(out["ETag"], '"%s"' % hashlib.md5(body).hexdigest())
        got = self.s3.get_object(Bucket=BUCKET, Key="roundtrip/one.bin")
        self.assertEqual(got["Body"].read(), body)
        self.assertEqual(got["ContentType"], "application/x-test")
        self.assertEqual(got["Metadata"], {"color": "blue"})
        self.assertEqual(got["ContentLength"], len(body))

    def test_large_object_streams(self):
        body = os.urandom(3 * 1024 * 1024 + 17)
        self.put("roundtrip/large.bin", body)
        self.assertEqual(self.s3.get_object(Bucket=BUCKET, Key="roundtrip/large.bin")["Body"].read(), body)

    def test_empty_object(self):
        self.put("roundtrip/empty", b"")
        got = self.s3.get_object(Bucket=BUCKET, Key="roundtrip/empty")
        self.assertEqual(got["Body"].read(), b"")
        self.assertEqual(got["ETag"], '"d41d8cd98f00b204e9800998ecf8427e"')

    def test_ranges(self):
        body = bytes(range(256)) * 4000
        self.put("range/obj", body)
        for spec, expect in (("bytes=0-9", body[:10]), ("bytes=1000-", body[1000:]), ("bytes=-5", body[-5:]),
                             ("bytes=500000-2000000", body[500000:])):
            got = self.s3.get_object(Bucket=BUCKET, Key="range/obj", Range=spec)
            self.assertEqual(got["Body"].read(), expect, spec)
            self.assertEqual(got["ResponseMetadata"]["HTTPStatusCode"], 206)
        got = self.s3.get_object(Bucket=BUCKET, Key="range/obj", Range="bytes=10-19")
        self.assertEqual(got["ContentRange"], "bytes 10-19/%d" % len(body))
        with self.assertRaises(ClientError) as e:
            self.s3.get_object(Bucket=BUCKET, Key="range/obj", Range="bytes=%d-" % len(body))
        self.assertEqual(self.error_code(e), "InvalidRange")

    def test_conditionals(self):
        etag = self.put("cond/obj", b"v1")["ETag"]
        self.assertEqual(self.s3.get_object(Bucket=BUCKET, Key="cond/obj", IfMatch=etag)["Body"].read(), b"v1")
        with self.assertRaises(ClientError) as e:
            self.s3.get_object(Bucket=BUCKET, Key="cond/obj", IfMatch='"0000"')
        self.assertEqual(self.error_code(e), "PreconditionFailed")
        with self.assertRaises(ClientError) as e:
            self.s3.get_object(Bucket=BUCKET, Key="cond/obj", IfNoneMatch=etag)
        self.assertEqual(e.exception.response["ResponseMetadata"]["HTTPStatusCode"], 304)
        # Conditional write: If-None-Match: * refuses to overwrite.
        with self.assertRaises(ClientError) as e:
            self.s3.put_object(Bucket=BUCKET, Key="cond/obj", Body=b"v2", IfNoneMatch="*")
        self.assertEqual(self.error_code(e), "PreconditionFailed")

    def test_head_and_missing_keys(self):
        self.put("head/obj", b"12345")
        head = self.s3.head_object(Bucket=BUCKET, Key="head/obj")
        self.assertEqual(head["ContentLength"], 5)
        with self.assertRaises(ClientError) as e:
            self.s3.head_object(Bucket=BUCKET, Key="head/missing")
        self.assertEqual(e.exception.response["ResponseMetadata"]["HTTPStatusCode"], 404)
        with self.assertRaises(ClientError) as e:
            self.s3.get_object(Bucket=BUCKET, Key="head/missing")
        self.assertEqual(self.error_code(e), "NoSuchKey")
        self.assertTrue(e.exception.response["Error"].get("Key") == "head/missing")
        with self.assertRaises(ClientError) as e:
            self.s3.get_object(Bucket="no-such-bucket-here", Key="k")
        # The role may not touch other buckets: AccessDenied comes before NoSuchBucket, as in AWS.
        self.assertEqual(self.error_code(e), "AccessDenied")

    def test_delete(self):
        self.put("del/obj", b"x")
        self.s3.delete_object(Bucket=BUCKET, Key="del/obj")
        with self.assertRaises(ClientError):
            self.s3.head_object(Bucket=BUCKET, Key="del/obj")
        self.s3.delete_object(Bucket=BUCKET, Key="del/obj")  # deleting what is gone succeeds

    def test_delete_objects_batch_and_quiet(self):
        keys = ["batch/%03d" % i for i in range(30)]
        for k in keys:
            self.put(k, b"x")
        out = self.s3.delete_objects(Bucket=BUCKET, Delete={"Objects": [{"Key": k} for k in keys[:20]]})
        self.assertEqual(sorted(d["Key"] for d in out["Deleted"]), keys[:20])
        out = self.s3.delete_objects(Bucket=BUCKET, Delete={"Objects": [{"Key": k} for k in keys[20:]], "Quiet": True})
        self.assertNotIn("Deleted", out)
        self.assertNotIn("Errors", out)
        self.assertEqual(self.s3.list_objects_v2(Bucket=BUCKET, Prefix="batch/")["KeyCount"], 0)

    def test_delete_objects_over_1000_keys_is_malformed(self):
        with self.assertRaises(ClientError) as e:
            self.s3.delete_objects(Bucket=BUCKET, Delete={"Objects": [{"Key": "k%d" % i} for i in range(1001)]})
        self.assertEqual(self.error_code(e), "MalformedXML")

    def test_checksums_are_validated(self):
        body = b"checksummed body"
        out = self.put("sum/crc32c", body, ChecksumCRC32C=crc32c(body))
        self.assertEqual(out["ChecksumCRC32C"], crc32c(body))
        sha = base64.b64encode(hashlib.sha256(body).digest()).decode()
        self.put("sum/sha256", body, ChecksumSHA256=sha)
        got = self.s3.get_object(Bucket=BUCKET, Key="sum/sha256", ChecksumMode="ENABLED")
        self.assertEqual(got["ChecksumSHA256"], sha)
        wrong = base64.b64encode(hashlib.sha256(b"other").digest()).decode()
        with self.assertRaises(ClientError) as e:
            self.put("sum/bad", body, ChecksumSHA256=wrong)
        self.assertEqual(self.error_code(e), "BadDigest")
        with self.assertRaises(ClientError) as e:
            self.put("sum/bad", body, ChecksumCRC32C="AAAAAA==")
        self.assertEqual(self.error_code(e), "BadDigest")
        with self.assertRaises(ClientError) as e:
            self.put("sum/bad", body, ContentMD5=base64.b64encode(hashlib.md5(b"other").digest()).decode())
        self.assertEqual(self.error_code(e), "BadDigest")
        with self.assertRaises(ClientError):
            self.s3.head_object(Bucket=BUCKET, Key="sum/bad")  # nothing was stored

    def test_crc32_default_checksum(self):
        body = b"default checksum"
        out = self.put("sum/crc32", body, ChecksumAlgorithm="CRC32")
        expect = base64.b64encode(zlib.crc32(body).to_bytes(4, "big")).decode()
        self.assertEqual(out["ChecksumCRC32"], expect)

    def test_get_object_attributes(self):
        body = os.urandom(1000)
        self.put("attrs/obj", body, ChecksumAlgorithm="SHA256")
        out = self.s3.get_object_attributes(Bucket=BUCKET, Key="attrs/obj",
                                            ObjectAttributes=["ETag", "ObjectSize", "Checksum", "StorageClass"])
        self.assertEqual(out["ETag"], hashlib.md5(body).hexdigest())
        self.assertEqual(out["ObjectSize"], 1000)
        self.assertEqual(out["Checksum"]["ChecksumSHA256"], base64.b64encode(hashlib.sha256(body).digest()).decode())

    def test_list_objects_v2(self):
        keys = ["list/a/1", "list/a/2", "list/b/1", "list/c", "list/d", "list/e"]
        for k in keys:
            self.put(k, b"x")
        out = self.s3.list_objects_v2(Bucket=BUCKET, Prefix="list/", Delimiter="/")
        self.assertEqual([p["Prefix"] for p in out["CommonPrefixes"]], ["list/a/", "list/b/"])
        self.assertEqual([o["Key"] for o in out["Contents"]], ["list/c", "list/d", "list/e"])
        # Pages of two, through continuation tokens.
        seen, token = [], None
        while True:
            args = dict(Bucket=BUCKET, Prefix="list/", MaxKeys=2)
            if token:
                args["ContinuationToken"] = token
            page = self.s3.list_objects_v2(**args)
            seen += [o["Key"] for o in page.get("Contents", [])]
            if not page["IsTruncated"]:
                break
            token = page["NextContinuationToken"]
        self.assertEqual(seen, keys)
        out = self.s3.list_objects_v2(Bucket=BUCKET, Prefix="list/", StartAfter="list/b/1")
        self.assertEqual([o["Key"] for o in out["Contents"]], ["list/c", "list/d", "list/e"])
        paginator = self.s3.get_paginator("list_objects_v2")
        prefixes = []
        for page in paginator.paginate(Bucket=BUCKET, Prefix="list/", Delimiter="/", PaginationConfig={"PageSize": 1}):
            prefixes += [p["Prefix"] for p in page.get("CommonPrefixes", [])]
        self.assertEqual(prefixes, ["list/a/", "list/b/"])

    def test_list_objects_v1_with_markers(self):
        for k in ("v1/a", "v1/b/1", "v1/b/2", "v1/c"):
            self.put(k, b"x")
        out = self.s3.list_objects(Bucket=BUCKET, Prefix="v1/", Delimiter="/", MaxKeys=2)
        self.assertTrue(out["IsTruncated"])
        self.assertEqual([o["Key"] for o in out["Contents"]], ["v1/a"])
        self.assertEqual([p["Prefix"] for p in out["CommonPrefixes"]], ["v1/b/"])
        rest = self.s3.list_objects(Bucket=BUCKET, Prefix="v1/", Delimiter="/", Marker=out["NextMarker"])
        self.assertEqual([o["Key"] for o in rest["Contents"]], ["v1/c"])
        self.assertFalse(rest["IsTruncated"])

    def test_unicode_and_dot_dot_keys_stay_inside(self):
        keys = ("../../escape", "ünïcødé/日本語 key", "a/../b", "/leading-slash", "sp ace+plus%percent&amp=")
        for key in keys:
            self.put(key, key.encode())
            self.assertEqual(self.s3.get_object(Bucket=BUCKET, Key=key)["Body"].read(), key.encode())
        listed = [o["Key"] for o in self.s3.list_objects_v2(Bucket=BUCKET)["Contents"]]  # EncodingType=url
        for key in keys:
            self.assertIn(key, listed)
        listed_v1 = [o["Key"] for o in self.s3.list_objects(Bucket=BUCKET)["Contents"]]
        for key in keys:
            self.assertIn(key, listed_v1)
        got = self.s3.get_object(Bucket=BUCKET, Key="../../escape", ResponseContentDisposition="attachment")
        self.assertEqual(got["ContentDisposition"], "attachment")
        for root, _dirs, files in os.walk(self.aws.data_dir):
            self.assertTrue(os.path.realpath(root).startswith(os.path.realpath(self.aws.data_dir)))
        self.assertFalse(os.path.exists(os.path.join(self.aws.data_dir, "..", "escape")))

    def test_actions_outside_the_policy_are_denied_by_name(self):
        with self.assertRaises(ClientError) as e:
            self.s3.create_bucket(Bucket="another-bucket")
        self.assertEqual(self.error_code(e), "AccessDenied")
        self.assertIn("s3:CreateBucket", e.exception.response["Error"]["Message"])
        with self.assertRaises(ClientError) as e:
            self.s3.list_buckets()
        self.assertIn("s3:ListAllMyBuckets", e.exception.response["Error"]["Message"])
        up = self.s3.create_multipart_upload(Bucket=BUCKET, Key="denied/abort")
        with self.assertRaises(ClientError) as e:
            self.s3.abort_multipart_upload(Bucket=BUCKET, Key="denied/abort", UploadId=up["UploadId"])
        self.assertEqual(self.error_code(e), "AccessDenied")
        message = e.exception.response["Error"]["Message"]
        self.assertIn("s3:AbortMultipartUpload", message)
        self.assertIn("assumed-role/shiftsync-connector/test", message)
        self.assertIn("arn:aws:s3:::unload-example/denied/abort", message)
        with self.assertRaises(ClientError) as e:
            self.s3.list_parts(Bucket=BUCKET, Key="denied/abort", UploadId=up["UploadId"])
        self.assertIn("s3:ListMultipartUploadParts", e.exception.response["Error"]["Message"])

    def test_operator_has_no_s3_access(self):
        s3 = self.aws.operator_session().client("s3", endpoint_url=self.aws.endpoint, config=NO_RETRIES)
        with self.assertRaises(ClientError) as e:
            s3.get_object(Bucket=BUCKET, Key="anything")
        self.assertEqual(self.error_code(e), "AccessDenied")
        self.assertIn("user/operator is not authorized to perform: s3:GetObject", e.exception.response["Error"]["Message"])
        # A refused upload: botocore sends "Expect: 100-continue" and must get the 403 instead of a hang.
        for _ in range(2):  # twice: the connection left after a refused upload must not be reused broken
            with self.assertRaises(ClientError) as e:
                s3.put_object(Bucket=BUCKET, Key="operator/denied", Body=os.urandom(2 * 1024 * 1024))
            self.assertIn("s3:PutObject", e.exception.response["Error"]["Message"])


if __name__ == "__main__":
    unittest.main()
