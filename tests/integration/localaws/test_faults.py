"""Faults, quotas, the request log and counters, scripted through the admin endpoint and observed
through boto3: injected SlowDown/InternalError/ThrottlingException, quotas, connection resets,
CompleteMultipartUpload's 200-with-error, latency and the bandwidth cap."""
import os
import time
import unittest

from botocore.config import Config
from botocore.exceptions import ClientError, ConnectionError as BotoConnectionError, ResponseStreamingError

from localaws_fixture import BUCKET, NO_RETRIES, LocalAWSTestCase, default_config

MiB = 1024 * 1024


class FaultTest(LocalAWSTestCase):
    @classmethod
    def config(cls):
        config = default_config()
        config["server"] = {"idle_timeout_seconds": 1}
        return config

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.session = cls.aws.role_session()
        cls.s3 = cls.session.client("s3", endpoint_url=cls.aws.endpoint, config=NO_RETRIES)
        cls.s3.put_object(Bucket=BUCKET, Key="faults/object", Body=os.urandom(2 * MiB))

    def tearDown(self):
        self.aws.clear_faults()

    def test_injected_slowdown_then_retry_succeeds(self):
        self.aws.set_faults([{"service": "s3", "operation": "GetObject", "error_rate": 1.0, "error": "SlowDown", "count": 2}])
        with self.assertRaises(ClientError) as e:
            self.s3.get_object(Bucket=BUCKET, Key="faults/object")
        self.assertEqual(self.error_code(e), "SlowDown")
        self.assertEqual(e.exception.response["ResponseMetadata"]["HTTPStatusCode"], 503)
        retrying = self.session.client("s3", endpoint_url=self.aws.endpoint,
                                       config=Config(retries={"total_max_attempts": 3, "mode": "standard"}))
        got = retrying.get_object(Bucket=BUCKET, Key="faults/object")
        self.assertEqual(got["ResponseMetadata"]["RetryAttempts"], 1)
        self.assertEqual(len(got["Body"].read()), 2 * MiB)

    def test_internal_error_and_throttling_in_each_protocol(self):
        self.aws.set_faults([{"service": "*", "operation": "GetCallerIdentity", "error_rate": 1.0, "error": "InternalError"},
                             {"service": "redshift-serverless", "error_rate": 1.0, "error": "ThrottlingException"}])
        sts = self.session.client("sts", endpoint_url=self.aws.endpoint, config=NO_RETRIES)
        with self.assertRaises(ClientError) as e:
            sts.get_caller_identity()
        self.assertEqual(e.exception.response["ResponseMetadata"]["HTTPStatusCode"], 500)
        serverless = self.session.client("redshift-serverless", endpoint_url=self.aws.endpoint, config=NO_RETRIES)
        with self.assertRaises(ClientError) as e:
            serverless.get_credentials(workgroupName="default-workgroup")
        self.assertEqual(self.error_code(e), "ThrottlingException")

    def test_quota_throttles_beyond_rate(self):
        self.aws.set_faults([{"service": "s3", "operation": "HeadObject", "quota_per_second": 5}])
        outcomes = []
        for _ in range(20):
            try:
                self.s3.head_object(Bucket=BUCKET, Key="faults/object")
                outcomes.append(200)
            except ClientError as e:
                outcomes.append(e.response["ResponseMetadata"]["HTTPStatusCode"])
        self.assertIn(503, outcomes)
        self.assertGreaterEqual(outcomes.count(200), 5)
        counters = self.aws.counters()["s3.HeadObject"]
        self.assertGreaterEqual(counters["errors"].get("SlowDown", 0), 1)

    def test_connection_reset_mid_body(self):
        self.aws.set_faults([{"service": "s3", "operation": "GetObject", "reset_rate": 1.0, "count": 1}])
        with self.assertRaises((ResponseStreamingError, BotoConnectionError, Exception)) as e:
            self.s3.get_object(Bucket=BUCKET, Key="faults/object")["Body"].read()
        self.assertNotIsInstance(e.exception, AssertionError)
        # Count exhausted: the next GET is whole.
        self.assertEqual(len(self.s3.get_object(Bucket=BUCKET, Key="faults/object")["Body"].read()), 2 * MiB)

    def test_upload_reset_midway_stores_nothing(self):
        self.aws.set_faults([{"service": "s3", "operation": "PutObject", "reset_rate": 1.0, "count": 1}])
        body = os.urandom(4 * MiB)
        with self.assertRaises(Exception) as e:
            self.s3.put_object(Bucket=BUCKET, Key="faults/reset-upload", Body=body)
        self.assertNotIsInstance(e.exception, AssertionError)
        with self.assertRaises(ClientError):
            self.s3.head_object(Bucket=BUCKET, Key="faults/reset-upload")
        self.s3.put_object(Bucket=BUCKET, Key="faults/reset-upload", Body=body)  # the rule fired once
        self.assertEqual(self.s3.get_object(Bucket=BUCKET, Key="faults/reset-upload")["Body"].read(), body)

    def test_upload_bandwidth_cap(self):
        self.aws.set_faults([{"service": "s3", "operation": "PutObject", "bandwidth_bytes_per_second": 4 * MiB}])
        start = time.monotonic()
        self.s3.put_object(Bucket=BUCKET, Key="faults/slow-upload", Body=os.urandom(2 * MiB))
        self.assertGreaterEqual(time.monotonic() - start, 0.45)  # a floor: 2 MiB at 4 MiB/s

    def test_complete_multipart_200_with_error_is_retried_by_botocore(self):
        self.aws.set_faults([{"service": "s3", "operation": "CompleteMultipartUpload", "complete_error_rate": 1.0, "count": 1}])
        up = self.s3.create_multipart_upload(Bucket=BUCKET, Key="faults/mp")
        part = self.s3.upload_part(Bucket=BUCKET, Key="faults/mp", UploadId=up["UploadId"], PartNumber=1, Body=b"p" * 100)
        parts = {"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]}
        with self.assertRaises(ClientError) as e:
            self.s3.complete_multipart_upload(Bucket=BUCKET, Key="faults/mp", UploadId=up["UploadId"], MultipartUpload=parts)
        self.assertEqual(self.error_code(e), "InternalError")
        # The upload is untouched by a failed completion: completing again works.
        self.s3.complete_multipart_upload(Bucket=BUCKET, Key="faults/mp", UploadId=up["UploadId"], MultipartUpload=parts)
        self.assertEqual(self.s3.get_object(Bucket=BUCKET, Key="faults/mp")["Body"].read(), b"p" * 100)

    def test_latency_and_bandwidth(self):
        self.aws.set_faults([{"service": "s3", "operation": "GetObject", "latency_ms": 300,
                              "bandwidth_bytes_per_second": 4 * MiB}])
        start = time.monotonic()
        self.assertEqual(len(self.s3.get_object(Bucket=BUCKET, Key="faults/object")["Body"].read()), 2 * MiB)
        elapsed = time.monotonic() - start
        # A floor, never a ceiling: 300 ms of latency plus 2 MiB at 4 MiB/s cannot take less than 0.75 s.
        self.assertGreaterEqual(elapsed, 0.75)

    def test_idle_connections_are_closed(self):
        import socket
        with socket.create_connection(("127.0.0.1", self.aws.port), timeout=30) as idle:
            start = time.monotonic()
            self.assertEqual(idle.recv(1), b"")  # the server hung up on a silent client
            self.assertGreaterEqual(time.monotonic() - start, 0.9)
        # A busy connection is not idle: a slow upload longer than the timeout goes through.
        self.aws.set_faults([{"service": "s3", "operation": "PutObject", "bandwidth_bytes_per_second": MiB}])
        self.s3.put_object(Bucket=BUCKET, Key="faults/slow-but-busy", Body=os.urandom(2 * MiB))

    def test_admin_rejects_bad_rules(self):
        import urllib.error
        with self.assertRaises(urllib.error.HTTPError) as e:
            self.aws.set_faults([{"error_rate": 1, "error": "NoSuchError"}])
        self.assertEqual(e.exception.code, 400)

    def test_request_log_and_counters(self):
        self.s3.head_object(Bucket=BUCKET, Key="faults/object")
        with self.assertRaises(ClientError):
            self.s3.get_object(Bucket=BUCKET, Key="faults/missing")
        # localaws writes a request's log line after it answered: wait (bounded) until both are there.
        deadline = time.time() + 10
        while True:
            log = self.aws.request_log()
            if any(r["operation"] == "GetObject" and r["error"] == "NoSuchKey" for r in log) or time.time() > deadline:
                break
            time.sleep(0.05)
        head = [r for r in log if r["operation"] == "HeadObject" and r["status"] == 200][-1]
        self.assertEqual(head["service"], "s3")
        self.assertTrue(head["principal"].startswith("arn:aws:sts::111122223333:assumed-role/shiftsync-connector/"))
        for field in ("time", "request_id", "bytes_in", "bytes_out", "latency_ms", "error"):
            self.assertIn(field, head)
        self.assertEqual(head["actions"], ["s3:GetObject"])  # the IAM action HeadObject needs
        missing = [r for r in log if r["operation"] == "GetObject" and r["error"] == "NoSuchKey"]
        self.assertTrue(missing and missing[-1]["status"] == 404)
        self.assertEqual(missing[-1]["actions"], ["s3:GetObject", "s3:ListBucket"])
        assume = [r for r in log if r["operation"] == "AssumeRole"][-1]
        self.assertEqual(assume["actions"], ["sts:AssumeRole"])
        # Secrets never reach the log.
        with open(os.path.join(self.aws.data_dir, "requests.jsonl")) as f:
            text = f.read()
        self.assertNotIn("wJalrXUtnFEMI", text)
        self.assertNotIn("Signature=", text)
        counters = self.aws.counters()
        self.assertGreaterEqual(counters["s3.GetObject"]["status"]["404"], 1)
        self.assertGreaterEqual(counters["sts.AssumeRole"]["requests"], 1)


if __name__ == "__main__":
    unittest.main()
