"""The AWS CLI against localaws: `aws s3 cp` of 100 MiB up (multipart) and down, byte-identical;
`aws s3 ls`, `aws sts`, and a presigned GET fetched with curl."""
import filecmp
import os
import shutil
import subprocess
import tempfile
import unittest

from localaws_fixture import BUCKET, EXTERNAL_ID, ROLE_ARN, LocalAWSTestCase

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


if __name__ == "__main__":
    unittest.main()
