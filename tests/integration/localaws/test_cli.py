"""The AWS CLI against localaws: `aws s3 cp` of 100 MiB up (multipart) and down, byte-identical;
`aws s3 ls`, `aws sts`, and a presigned GET fetched with curl."""
import filecmp

import boto3
from botocore.config import Config
import os
import shutil
import subprocess
import tempfile
import unittest

from localaws_fixture import BUCKET, EXTERNAL_ID, REGION, ROLE_ARN, LocalAWSTestCase

MiB = 1024 * 1024


class CliTest(LocalAWSTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tmp = tempfile.mkdtemp(prefix="localaws-cli-test-")
        cls.addClassCleanup(shutil.rmtree, cls.tmp, True)
        cls.creds = cls.aws.assume_role()

    def test_sts_via_cli(self):
        out = self.aws.cli("sts", "get-caller-identity", "--query", "Arn", "--output", "text")
        self.assertEqual(out.stdout.strip(), "arn:aws:iam::568237466542:user/operator")
        out = self.aws.cli("sts", "assume-role", "--role-arn", ROLE_ARN, "--role-session-name", "cli",
                           "--external-id", EXTERNAL_ID, "--query", "AssumedRoleUser.Arn", "--output", "text")
        self.assertEqual(out.stdout.strip(), "arn:aws:sts::111122223333:assumed-role/shiftsync-connector/cli")
        denied = self.aws.cli("sts", "assume-role", "--role-arn", ROLE_ARN, "--role-session-name", "cli", check=False)
        self.assertNotEqual(denied.returncode, 0)
        self.assertIn("AccessDenied", denied.stderr)

    def test_cp_100_mib_up_and_down(self):
        src = os.path.join(self.tmp, "big.bin")
        with open(src, "wb") as f:
            for _ in range(100):
                f.write(os.urandom(MiB))
            f.write(os.urandom(12345))
        self.aws.cli("s3", "cp", src, f"s3://{BUCKET}/cli/big.bin", credentials=self.creds)
        listing = self.aws.cli("s3", "ls", f"s3://{BUCKET}/cli/", credentials=self.creds).stdout
        self.assertIn(str(100 * MiB + 12345), listing)
        dst = os.path.join(self.tmp, "big.back")
        self.aws.cli("s3", "cp", f"s3://{BUCKET}/cli/big.bin", dst, credentials=self.creds)
        self.assertTrue(filecmp.cmp(src, dst, shallow=False))
        # It went up in parts: the ETag says so.
        head = self.aws.cli("s3api", "head-object", "--bucket", BUCKET, "--key", "cli/big.bin", "--query", "ETag",
                            "--output", "text", credentials=self.creds).stdout
        self.assertRegex(head.strip(), r'^"[0-9a-f]{32}-\d+"$')
        self.aws.cli("s3", "rm", f"s3://{BUCKET}/cli/big.bin", credentials=self.creds)

    def test_presigned_get_with_curl(self):
        body = os.urandom(70_000)
        path = os.path.join(self.tmp, "small.bin")
        with open(path, "wb") as f:
            f.write(body)
        self.aws.cli("s3", "cp", path, f"s3://{BUCKET}/cli/presigned.bin", credentials=self.creds)
        url = self.aws.cli("s3", "presign", f"s3://{BUCKET}/cli/presigned.bin", "--expires-in", "300",
                           credentials=self.creds).stdout.strip()
        got = subprocess.run(["curl", "-sf", url], capture_output=True, check=True).stdout
        self.assertEqual(got, body)
        # Tampering with the URL breaks the signature.
        tampered = url.replace("presigned.bin", "presigned.bim")
        status = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", tampered],
                                capture_output=True, text=True).stdout
        self.assertEqual(status, "403")
        # And an expired URL is refused (localaws's clock moved past its expiry).
        self.aws.set_clock_offset(400)
        try:
            out = subprocess.run(["curl", "-s", url], capture_output=True, text=True).stdout
        finally:
            self.aws.set_clock_offset(0)
        self.assertIn("Request has expired", out)

    def test_cli_default_sigv2_presign_with_curl(self):
        # Without `signature_version = s3v4` the CLI v1 presigns with SigV2 (AWSAccessKeyId=...).
        self.aws.cli("s3", "cp", "-", f"s3://{BUCKET}/cli/v2.txt", credentials=self.creds, stdin_text="signed v2")
        url = self.aws.cli("s3", "presign", f"s3://{BUCKET}/cli/v2.txt", credentials=self.creds,
                           s3_sigv4=False).stdout.strip()
        self.assertIn("AWSAccessKeyId=", url)
        self.assertEqual(subprocess.run(["curl", "-sf", url], capture_output=True, text=True).stdout, "signed v2")
        bad = url.replace("Signature=", "Signature=A")
        status = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", bad],
                                capture_output=True, text=True).stdout
        self.assertEqual(status, "403")

    def test_virtual_hosted_presigned_get_with_curl(self):
        # Host: unload-example.localhost:<port>. curl resolves *.localhost to loopback by itself.
        session = boto3.Session(aws_access_key_id=self.creds["AccessKeyId"],
                                aws_secret_access_key=self.creds["SecretAccessKey"],
                                aws_session_token=self.creds["SessionToken"], region_name=REGION)
        path_style = session.client("s3", endpoint_url=self.aws.endpoint)
        path_style.put_object(Bucket=BUCKET, Key="cli/vhost key.txt", Body=b"virtual host")
        vhost = session.client("s3", endpoint_url=f"http://localhost:{self.aws.port}",
                               config=Config(signature_version="s3v4", s3={"addressing_style": "virtual"}))
        url = vhost.generate_presigned_url("get_object", Params={"Bucket": BUCKET, "Key": "cli/vhost key.txt"})
        self.assertTrue(url.startswith(f"http://{BUCKET}.localhost:{self.aws.port}/"), url)
        got = subprocess.run(["curl", "-sf", url], capture_output=True, check=True).stdout
        self.assertEqual(got, b"virtual host")


if __name__ == "__main__":
    unittest.main()
