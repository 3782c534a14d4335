"""Multipart uploads through boto3: AWS's ETags, ListParts/ListMultipartUploads permissions,
completion errors, checksums per part, and GetObjectAttributes' ObjectParts."""
import base64
import hashlib
import os
import unittest

from botocore.exceptions import ClientError

from localaws_fixture import BUCKET, NO_RETRIES, LocalAWSTestCase, with_connector_account_role

MiB = 1024 * 1024


def multipart_etag(parts):
    digest = hashlib.md5(b"".join(hashlib.md5(p).digest() for p in parts)).hexdigest()
    return '"%s-%d"' % (digest, len(parts))


class MultipartTest(LocalAWSTestCase):
    @classmethod
    def config(cls):
        # The documented role plus a "full-s3" role that also has the multipart housekeeping actions.
        return with_connector_account_role("full-s3", [{"name": "all-s3", "document": {
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}}])

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.s3 = cls.aws.role_session().client("s3", endpoint_url=cls.aws.endpoint, config=NO_RETRIES)
        full = cls.aws.role_session(role_arn="arn:aws:iam::111122223333:role/full-s3")
        cls.admin_s3 = full.client("s3", endpoint_url=cls.aws.endpoint, config=NO_RETRIES)

    def upload(self, key, parts, **create_args):
        up = self.s3.create_multipart_upload(Bucket=BUCKET, Key=key, **create_args)
        done = []
        for i, body in enumerate(parts, start=1):
            extra = {"ChecksumAlgorithm": create_args["ChecksumAlgorithm"]} if "ChecksumAlgorithm" in create_args else {}
            out = self.s3.upload_part(Bucket=BUCKET, Key=key, UploadId=up["UploadId"], PartNumber=i, Body=body, **extra)
            entry = {"PartNumber": i, "ETag": out["ETag"]}
            for name in ("ChecksumCRC32", "ChecksumCRC32C", "ChecksumSHA256"):
                if name in out:
                    entry[name] = out[name]
            done.append(entry)
        return up["UploadId"], done

    def test_complete_gives_aws_etag_and_bytes(self):
        parts = [os.urandom(5 * MiB), os.urandom(5 * MiB), os.urandom(1234)]
        upload_id, done = self.upload("mp/three", parts)
        out = self.s3.complete_multipart_upload(Bucket=BUCKET, Key="mp/three", UploadId=upload_id,
                                                MultipartUpload={"Parts": done})
        self.assertEqual(out["ETag"], multipart_etag(parts))
        got = self.s3.get_object(Bucket=BUCKET, Key="mp/three")
        self.assertEqual(got["ETag"], multipart_etag(parts))
        self.assertEqual(got["Body"].read(), b"".join(parts))
        attrs = self.s3.get_object_attributes(Bucket=BUCKET, Key="mp/three", ObjectAttributes=["ObjectParts", "ObjectSize"])
        self.assertEqual(attrs["ObjectParts"]["TotalPartsCount"], 3)
        self.assertEqual(attrs["ObjectSize"], sum(map(len, parts)))
        # The upload is gone once completed.
        with self.assertRaises(ClientError) as e:
            self.admin_s3.list_parts(Bucket=BUCKET, Key="mp/three", UploadId=upload_id)
        self.assertEqual(self.error_code(e), "NoSuchUpload")

    def test_composite_checksum(self):
        parts = [os.urandom(5 * MiB), os.urandom(100)]
        upload_id, done = self.upload("mp/crc", parts, ChecksumAlgorithm="SHA256")
        self.assertTrue(all("ChecksumSHA256" in d for d in done))
        out = self.s3.complete_multipart_upload(Bucket=BUCKET, Key="mp/crc", UploadId=upload_id,
                                                MultipartUpload={"Parts": done})
        composite = hashlib.sha256(b"".join(hashlib.sha256(p).digest() for p in parts)).digest()
        self.assertEqual(out["ChecksumSHA256"], base64.b64encode(composite).decode() + "-2")
        attrs = self.s3.get_object_attributes(Bucket=BUCKET, Key="mp/crc", ObjectAttributes=["Checksum", "ObjectParts"])
        self.assertEqual(attrs["Checksum"]["ChecksumType"], "COMPOSITE")
        self.assertEqual([p["ChecksumSHA256"] for p in attrs["ObjectParts"]["Parts"]], [d["ChecksumSHA256"] for d in done])

    def test_completion_errors(self):
        parts = [os.urandom(1024), os.urandom(1024)]
        upload_id, done = self.upload("mp/small", parts)
        with self.assertRaises(ClientError) as e:
            self.s3.complete_multipart_upload(Bucket=BUCKET, Key="mp/small", UploadId=upload_id,
                                              MultipartUpload={"Parts": done})
        self.assertEqual(self.error_code(e), "EntityTooSmall")
        with self.assertRaises(ClientError) as e:
            self.s3.complete_multipart_upload(Bucket=BUCKET, Key="mp/small", UploadId=upload_id,
                                              MultipartUpload={"Parts": list(reversed(done))})
        self.assertEqual(self.error_code(e), "InvalidPartOrder")
        with self.assertRaises(ClientError) as e:
            self.s3.complete_multipart_upload(Bucket=BUCKET, Key="mp/small", UploadId=upload_id,
                                              MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": '"00"'}]})
        self.assertEqual(self.error_code(e), "InvalidPart")
        with self.assertRaises(ClientError) as e:
            self.s3.upload_part(Bucket=BUCKET, Key="mp/small", UploadId="nosuchupload", PartNumber=1, Body=b"x")
        self.assertEqual(self.error_code(e), "NoSuchUpload")
        # The documented policy cannot abort; a role with s3:* can.
        self.admin_s3.abort_multipart_upload(Bucket=BUCKET, Key="mp/small", UploadId=upload_id)
        with self.assertRaises(ClientError) as e:
            self.s3.upload_part(Bucket=BUCKET, Key="mp/small", UploadId=upload_id, PartNumber=3, Body=b"x")
        self.assertEqual(self.error_code(e), "NoSuchUpload")

    def test_list_parts_and_uploads(self):
        upload_id, done = self.upload("mp/listed", [b"a" * 100, b"b" * 200])
        parts = self.admin_s3.list_parts(Bucket=BUCKET, Key="mp/listed", UploadId=upload_id)
        self.assertEqual([(p["PartNumber"], p["Size"], p["ETag"]) for p in parts["Parts"]],
                         [(1, 100, done[0]["ETag"]), (2, 200, done[1]["ETag"])])
        uploads = self.admin_s3.list_multipart_uploads(Bucket=BUCKET, Prefix="mp/listed")
        self.assertEqual([u["UploadId"] for u in uploads["Uploads"]], [upload_id])
        with self.assertRaises(ClientError) as e:
            self.s3.list_multipart_uploads(Bucket=BUCKET)
        self.assertIn("s3:ListBucketMultipartUploads", e.exception.response["Error"]["Message"])
        self.admin_s3.abort_multipart_upload(Bucket=BUCKET, Key="mp/listed", UploadId=upload_id)


class BucketTest(LocalAWSTestCase):
    """Bucket operations need a principal with bucket permissions: a role with s3:* on everything."""

    @classmethod
    def config(cls):
        return MultipartTest.config()

    def test_bucket_lifecycle(self):
        s3 = self.aws.role_session(role_arn="arn:aws:iam::111122223333:role/full-s3").client(
            "s3", endpoint_url=self.aws.endpoint, config=NO_RETRIES)
        s3.create_bucket(Bucket="fresh-bucket")
        names = [b["Name"] for b in s3.list_buckets()["Buckets"]]
        self.assertEqual(sorted(names), ["fresh-bucket", "unload-example"])
        s3.head_bucket(Bucket="fresh-bucket")
        with self.assertRaises(ClientError) as e:
            s3.create_bucket(Bucket="fresh-bucket")
        self.assertEqual(self.error_code(e), "BucketAlreadyOwnedByYou")
        with self.assertRaises(ClientError) as e:
            s3.create_bucket(Bucket="Bad_Name")
        self.assertEqual(self.error_code(e), "InvalidBucketName")
        s3.put_object(Bucket="fresh-bucket", Key="k", Body=b"v")
        with self.assertRaises(ClientError) as e:
            s3.delete_bucket(Bucket="fresh-bucket")
        self.assertEqual(self.error_code(e), "BucketNotEmpty")
        s3.delete_object(Bucket="fresh-bucket", Key="k")
        s3.delete_bucket(Bucket="fresh-bucket")
        with self.assertRaises(ClientError) as e:
            s3.head_bucket(Bucket="fresh-bucket")
        self.assertEqual(e.exception.response["ResponseMetadata"]["HTTPStatusCode"], 404)
        self.assertEqual(s3.get_bucket_location(Bucket="unload-example").get("LocationConstraint"), None)
        with self.assertRaises(ClientError) as e:
            s3.list_objects_v2(Bucket="never-created")
        self.assertEqual(self.error_code(e), "NoSuchBucket")


if __name__ == "__main__":
    unittest.main()
