"""The premises the cp/ls/rm suites stand on, checked with peers only (boto3, the AWS CLI) so that a
failure there points at shiftsync and not at the setup: AWS's ETag rule as computed here matches what
localaws gives the AWS CLI's uploads; the extra roles and bucket of transfer_config() do what the suites
assume; each fault rule the suites use fires as they expect; an overwritten object fails If-Match."""
import os
import time
import unittest

from botocore.config import Config
from botocore.exceptions import ClientError

from transfer_fixture import (ABORT_LIST_ROLE, ABORT_ROLE, BUCKET, INSPECTOR_ROLE, OTHER_BUCKET, PART, MiB,
                              LocalAwsTransferCase, data, documented_actions, multipart_etag, multipart_etag_file,
                              sha256, single_etag, write_data)

NO_RETRIES = Config(retries={"total_max_attempts": 1, "mode": "standard"})


def rule(operation, **kw):
    return {"service": "s3", "operation": operation, **kw}


class Premises(LocalAwsTransferCase):
    @classmethod
    def assert_least_privilege(cls):
        """No shiftsync here; instead: the check itself sees the connector role's requests."""
        granted, refused = cls.connector_actions()
        assert granted == {"s3:PutObject", "s3:ListBucket"} and refused == {"s3:PutObject"}, (granted, refused)

    def tearDown(self):
        self.aws.clear_faults()

    def client_as(self, role_arn, retries=True):
        session = self.aws.role_session(role_arn=role_arn, session_name="premise")
        return session.client("s3", endpoint_url=self.aws.endpoint, **({} if retries else {"config": NO_RETRIES}))

    def test_etag_rule_matches_the_aws_clis_uploads(self):
        for size in (PART, 8 * MiB, 8 * MiB + 1, 3 * 8 * MiB + 7):
            with self.subTest(size=size):
                src = self.path("etag", str(size))
                write_data(src, size, size)
                self.inspector_cli("s3", "cp", src, f"s3://{BUCKET}/premise/{size}", "--only-show-errors")
                etag = self.s3.head_object(Bucket=BUCKET, Key=f"premise/{size}")["ETag"]
                with open(src, "rb") as f:
                    content = f.read()
                expected = single_etag(content) if size < 8 * MiB else multipart_etag(content, 8 * MiB)
                self.assertEqual(etag, expected)
                if size >= 8 * MiB:
                    self.assertEqual(etag, multipart_etag_file(src, 8 * MiB))
                    sizes, _ = self.part_sizes(f"premise/{size}")
                    self.assertEqual(sizes[:-1], [8 * MiB] * (len(sizes) - 1), "GetObjectAttributes lists the parts")
                    self.assertEqual(sum(sizes), size)
        self.assertEqual(multipart_etag(b"", PART), '"' + "59adb24ef3cdbe0297f05b395827453f" + '-1"')

    def test_roles_and_buckets(self):
        connector = self.aws.role_session().client("s3", endpoint_url=self.aws.endpoint, config=NO_RETRIES)
        connector.put_object(Bucket=BUCKET, Key="premise/by-connector", Body=b"x")
        connector.list_objects_v2(Bucket=BUCKET, Prefix="premise/")
        with self.assertRaises(ClientError) as caught:
            connector.put_object(Bucket=OTHER_BUCKET, Key="k", Body=b"x")
        message = caught.exception.response["Error"]["Message"]
        self.assertIn("s3:PutObject", message)
        self.assertIn(f"arn:aws:s3:::{OTHER_BUCKET}/k", message)

        upload = self.s3.create_multipart_upload(Bucket=BUCKET, Key="premise/mpu")["UploadId"]
        self.assertIn(("premise/mpu", upload), self.open_uploads("premise/"))
        with self.assertRaises(ClientError):
            self.client_as(ABORT_ROLE, retries=False).list_multipart_uploads(Bucket=BUCKET)
        self.client_as(ABORT_ROLE).abort_multipart_upload(Bucket=BUCKET, Key="premise/mpu", UploadId=upload)
        self.assertEqual(self.client_as(ABORT_LIST_ROLE).list_multipart_uploads(Bucket=BUCKET).get("Uploads", []), [])

        with self.assertRaises(ClientError) as caught:
            self.s3.put_object(Bucket="no-such-bucket-here", Key="k", Body=b"x")
        self.assertEqual(self.error_code(caught), "NoSuchBucket")
        self.assertIn("s3:GetObject", documented_actions())

    def test_fault_rules_fire_as_the_suites_expect(self):
        plain = self.client_as(INSPECTOR_ROLE, retries=False)
        self.aws.set_faults([rule("PutObject", error_rate=1, error="SlowDown", count=2)])
        for _ in range(2):
            with self.assertRaises(ClientError) as caught:
                plain.put_object(Bucket=BUCKET, Key="premise/slow", Body=b"x")
            self.assertEqual(self.error_code(caught), "SlowDown")
        plain.put_object(Bucket=BUCKET, Key="premise/slow", Body=b"x")

        self.aws.set_faults([rule("UploadPart", reset_rate=1, count=1)])
        upload = plain.create_multipart_upload(Bucket=BUCKET, Key="premise/reset")["UploadId"]
        with self.assertRaises(Exception):
            plain.upload_part(Bucket=BUCKET, Key="premise/reset", UploadId=upload, PartNumber=1, Body=data(PART, 1))
        part = plain.upload_part(Bucket=BUCKET, Key="premise/reset", UploadId=upload, PartNumber=1, Body=data(PART, 1))

        self.aws.set_faults([rule("CompleteMultipartUpload", complete_error_rate=1, count=1)])
        complete = dict(Bucket=BUCKET, Key="premise/reset", UploadId=upload,
                        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]})
        with self.assertRaises(ClientError):  # botocore turns the 200-with-<Error> into an error
            plain.complete_multipart_upload(**complete)
        plain.complete_multipart_upload(**complete)
        self.assertEqual(sha256(self.get("premise/reset")), sha256(data(PART, 1)))

        self.aws.set_faults([rule("GetObject", reset_rate=1, count=1)])
        with self.assertRaises(Exception):
            plain.get_object(Bucket=BUCKET, Key="premise/reset")["Body"].read()
        self.assertEqual(sha256(plain.get_object(Bucket=BUCKET, Key="premise/reset")["Body"].read()),
                         sha256(data(PART, 1)))

    def test_bandwidth_cap_and_if_match(self):
        self.s3.put_object(Bucket=BUCKET, Key="premise/slow-get", Body=data(2 * MiB, 2))
        etag = self.s3.head_object(Bucket=BUCKET, Key="premise/slow-get")["ETag"]
        self.aws.set_faults([rule("GetObject", bandwidth_bytes_per_second=1 * MiB)])
        start = time.monotonic()
        self.s3.get_object(Bucket=BUCKET, Key="premise/slow-get", Range="bytes=0-1048575", IfMatch=etag)["Body"].read()
        self.assertGreater(time.monotonic() - start, 0.8, "1 MiB at 1 MiB/s takes about a second")
        self.aws.clear_faults()
        self.s3.put_object(Bucket=BUCKET, Key="premise/slow-get", Body=data(2 * MiB, 3))
        with self.assertRaises(ClientError) as caught:
            self.s3.get_object(Bucket=BUCKET, Key="premise/slow-get", Range="bytes=0-9", IfMatch=etag)
        self.assertEqual(caught.exception.response["ResponseMetadata"]["HTTPStatusCode"], 412)
        self.assertTrue(os.path.exists("/usr/bin/time"), "the memory suite measures with /usr/bin/time -v")


if __name__ == "__main__":
    unittest.main()
