"""Presigned S3 URLs from the command line, fetched with curl from localaws: `shiftsync sign --presign`
on a raw request, and `shiftsync presign s3://bucket/key` with the connector role assumed (GET and
PUT, expiry by localaws's clock, a note when the role session ends before the URL would).

A presigned URL carries a signature and a session token, so these tests never print one: not in
assertion messages, not on curl's stdout (check_no_secrets.py would rightly flag it). Error bodies
are not printed either (S3's SignatureDoesNotMatch echoes the canonical request, token included).

moto is not used here: with its signature checks on, moto 5 answers every presigned URL with a 500
(its IAM check reads the Authorization header that a presigned request does not have), and with
them off it checks nothing. botocore is the independent check of the signatures
(tests/differential/sign_command_vs_botocore.py); localaws here checks that S3 accepts them."""
import datetime
import os
import subprocess
import sys
import tempfile
import unittest
from unittest import mock
from urllib.parse import quote

import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "localaws"))
from localaws_fixture import (BUCKET, EXTERNAL_ID, OPERATOR_KEY, OPERATOR_SECRET, REGION, ROLE_ARN,  # noqa: E402
                              LocalAWS)

BIN = os.environ["SHIFTSYNC_BIN"]
TOKEN_PREFIX = "IQoJb3JpZ2luX2VjE"  # how localaws's (and AWS's) session tokens start


class PresignedUrls(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.aws = LocalAWS().start()
        cls.addClassCleanup(cls.aws.cleanup)
        cls.tmp = tempfile.TemporaryDirectory(prefix="shiftsync-presign-")
        cls.addClassCleanup(cls.tmp.cleanup)
        cls.s3 = cls.aws.role_session().client("s3", endpoint_url=cls.aws.endpoint)
        cls.env = {"PATH": os.environ.get("PATH", ""), "HOME": cls.tmp.name, "AWS_EC2_METADATA_DISABLED": "true",
                   "AWS_ACCESS_KEY_ID": OPERATOR_KEY, "AWS_SECRET_ACCESS_KEY": OPERATOR_SECRET}
        cls.connect = ["--region", REGION, "--endpoint-url", cls.aws.endpoint, "--role-arn", ROLE_ARN,
                       "--external-id", EXTERNAL_ID]

    def setUp(self):
        self.aws.set_clock_offset(0)

    def put(self, key, body):
        self.s3.put_object(Bucket=BUCKET, Key=key, Body=body)

    def shiftsync(self, *args, env=None, stdin=None):
        return subprocess.run([BIN, *args], env=env or self.env, input=stdin, capture_output=True, timeout=60)

    def curl(self, url, upload=None):
        """(HTTP status, body) — the body goes to a file, never to a log."""
        out = os.path.join(self.tmp.name, "curl.out")
        args = ["curl", "-sS", "-o", out, "-w", "%{http_code}"]
        if upload is not None:
            source = os.path.join(self.tmp.name, "curl.in")
            with open(source, "wb") as f:
                f.write(upload)
            args += ["-T", source]
        run = subprocess.run(args + [url], capture_output=True, text=True, timeout=60)
        self.assertEqual(run.returncode, 0, "curl failed")  # its stderr could quote the URL
        with open(out, "rb") as f:
            return int(run.stdout), f.read()

    def presign(self, key, *extra):
        r = self.shiftsync("presign", f"s3://{BUCKET}/{key}", *self.connect, *extra)
        self.assertEqual(r.returncode, 0, r.stderr.decode(errors="replace"))
        self.assertNotIn(TOKEN_PREFIX, r.stderr.decode(errors="replace"))
        url = r.stdout.decode()
        self.assertTrue(url.endswith("\n") and url.count("\n") == 1, "presign must print exactly one line")
        self.assertTrue(url.startswith(self.aws.endpoint + f"/{BUCKET}/"), "path-style URL on the endpoint")
        self.assertIn("X-Amz-Security-Token=", url)  # the assumed role's session travels in the URL
        return url.strip(), r.stderr.decode()

    # ---- shiftsync sign --presign, on a raw request
    def test_sign_presigned_get_is_accepted(self):
        key = "presign/sign é+&.bin"
        body = os.urandom(100_000)
        self.put(key, body)
        creds = self.aws.assume_role()
        env = dict(self.env, AWS_ACCESS_KEY_ID=creds["AccessKeyId"], AWS_SECRET_ACCESS_KEY=creds["SecretAccessKey"],
                   AWS_SESSION_TOKEN=creds["SessionToken"])
        request = f"GET /{BUCKET}/{quote(key, safe='/~')} HTTP/1.1\nHost: 127.0.0.1:{self.aws.port}\n\n"
        r = self.shiftsync("sign", "--service", "s3", "--region", REGION, "--presign", "300", "--show-token",
                           env=env, stdin=request.encode())
        self.assertEqual(r.returncode, 0, r.stderr.decode(errors="replace"))
        signed = r.stdout.decode().split("# Signed request\n", 1)[1]
        target = signed.split("\n", 1)[0].rsplit(" ", 1)[0].split(" ", 1)[1]
        status, got = self.curl(self.aws.endpoint + target)
        self.assertEqual(status, 200, "localaws refused the presigned GET")
        self.assertTrue(got == body, "the presigned GET did not return the object's bytes")

    # ---- shiftsync presign s3://bucket/key
    def test_presigned_get_returns_the_object(self):
        body = os.urandom(300_000)
        self.put("presign/get.bin", body)
        url, _ = self.presign("presign/get.bin", "--expires", "300")
        status, got = self.curl(url)
        self.assertEqual(status, 200, "localaws refused the presigned GET")
        self.assertTrue(got == body, "the presigned GET did not return the object's bytes")

    def test_presigned_put_uploads(self):
        body = os.urandom(200_000)
        url, _ = self.presign("presign/put dir/up.bin", "--method", "PUT", "--expires", "300")
        status, _ = self.curl(url, upload=body)
        self.assertEqual(status, 200, "localaws refused the presigned PUT")
        stored = self.s3.get_object(Bucket=BUCKET, Key="presign/put dir/up.bin")["Body"].read()
        self.assertTrue(stored == body, "the object is not what curl uploaded")

    def test_url_expires(self):
        self.put("presign/expiring.bin", b"soon gone")
        url, _ = self.presign("presign/expiring.bin", "--expires", "60")
        status, got = self.curl(url)
        self.assertEqual(status, 200, "localaws refused the fresh URL")
        self.assertTrue(got == b"soon gone", "the presigned GET did not return the object's bytes")
        self.aws.set_clock_offset(61)  # localaws's clock a minute on, rather than a minute's sleep
        status, answer = self.curl(url)
        self.assertEqual(status, 403)
        self.assertTrue(b"<Code>AccessDenied</Code>" in answer and b"Request has expired" in answer,
                        "the 403 is not S3's 'Request has expired'")

    def test_note_when_the_role_session_ends_first(self):
        url, note = self.presign("presign/get.bin", "--expires", "86400")
        self.assertIn("stops working in", note)
        self.assertIn(ROLE_ARN, note)  # whose session it is: the describe() of the assume-role provider
        self.assertNotIn("X-Amz-", note)

    def test_same_signature_as_botocore_on_aws_endpoints(self):
        """Virtual-hosted where the bucket name allows it, path-style where it does not (dots), keys
        encoded as S3 wants them; botocore signs the same URL at the same time to the same result."""
        env = dict(self.env, AWS_ACCESS_KEY_ID="AKIDEXAMPLE", AWS_SECRET_ACCESS_KEY="a-made-up-secret-for-this-test")
        cases = [("my-bucket", "dir/a b+é~!(1).csv", "GET", "https://my-bucket.s3.eu-west-1.amazonaws.com/"
                  "dir/a%20b%2B%C3%A9~%21%281%29.csv"),
                 ("my.dotted.bucket", "k", "PUT", "https://s3.eu-west-1.amazonaws.com/my.dotted.bucket/k")]
        for bucket, key, method, base in cases:
            with self.subTest(bucket=bucket):
                r = self.shiftsync("presign", f"s3://{bucket}/{key}", "--region", "eu-west-1", "--method", method,
                                   "--expires", "900", env=env)
                self.assertEqual(r.returncode, 0, r.stderr.decode(errors="replace"))
                ours_base, query = r.stdout.decode().strip().split("?", 1)
                self.assertEqual(ours_base, base)
                ours = dict(p.split("=", 1) for p in query.split("&"))
                request = AWSRequest(method=method, url=ours_base)
                when = datetime.datetime.strptime(ours["X-Amz-Date"], "%Y%m%dT%H%M%SZ")
                with mock.patch.object(botocore.auth, "get_current_datetime", return_value=when):
                    botocore.auth.S3SigV4QueryAuth(Credentials(env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"]),
                                                   "s3", "eu-west-1", expires=900).add_auth(request)
                theirs = dict(p.split("=", 1) for p in request.url.split("?", 1)[1].split("&"))
                differing = sorted(k for k in set(ours) | set(theirs) if ours.get(k) != theirs.get(k))
                self.assertEqual(differing, [], "these URL fields differ from botocore's")

    def test_wrong_external_id_fails_with_1(self):
        connect = [a if a != EXTERNAL_ID else "not-the-external-id" for a in self.connect]
        r = self.shiftsync("presign", f"s3://{BUCKET}/presign/get.bin", *connect)
        self.assertEqual(r.returncode, 1)
        self.assertIn("AccessDenied", r.stderr.decode())
        self.assertEqual(r.stdout, b"")


if __name__ == "__main__":
    unittest.main()
