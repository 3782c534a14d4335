"""shiftsync cp/ls/rm against moto_server with signature checks on (a server no one here wrote), byte-exact
against boto3 and the AWS CLI (interop_cases.py). Runs under tests/interop/moto/moto_fixture.py, which
starts moto, creates the IAM user whose keys every call (shiftsync's too) must sign with, and the bucket."""
import os
import shutil
import tempfile
import unittest

import boto3

from interop_cases import ODD_KEYS, InteropCases
from transfer_fixture import REGION, Shiftsync, aws_cli


class InteropWithMoto(unittest.TestCase, InteropCases):
    # moto 5.2's signature check refuses boto3's and the AWS CLI's own requests for keys with '+', '=', '%',
    # non-ASCII and the like (SignatureDoesNotMatch: it signs the decoded path), so against moto only keys
    # with spaces; localaws takes the whole ODD_KEYS list.
    odd_keys = [k for k in ODD_KEYS if k.isascii() and all(c.isalnum() or c in " /.-" for c in k)]
    @classmethod
    def setUpClass(cls):
        cls.url = os.environ["SHIFTSYNC_MOTO_URL"]
        cls.bucket = os.environ["SHIFTSYNC_S3_BUCKET"]
        cls.credentials = {"AccessKeyId": os.environ["SHIFTSYNC_MOTO_ACCESS_KEY_ID"],
                           "SecretAccessKey": os.environ["SHIFTSYNC_MOTO_SECRET_ACCESS_KEY"]}
        cls.tmp = tempfile.mkdtemp(prefix="shiftsync-cp-moto-")
        cls.addClassCleanup(shutil.rmtree, cls.tmp, True)
        cls.ss = Shiftsync(["--region", REGION, "--endpoint-url", cls.url],
                           {"AWS_ACCESS_KEY_ID": cls.credentials["AccessKeyId"],
                            "AWS_SECRET_ACCESS_KEY": cls.credentials["SecretAccessKey"]})
        cls.addClassCleanup(cls.ss.cleanup)
        cls.s3 = boto3.client("s3", endpoint_url=cls.url, region_name=REGION,
                              aws_access_key_id=cls.credentials["AccessKeyId"],
                              aws_secret_access_key=cls.credentials["SecretAccessKey"])

    def path(self, *parts):
        p = os.path.join(self.tmp, *parts)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        return p

    def cli(self, *args):
        return aws_cli(self.url, self.credentials, *args)

    def test_moto_checks_signatures(self):
        """The fixture's premise: a request signed with a wrong secret is refused, so every passing cp above
        was signed right."""
        env = dict(self.ss.env, AWS_SECRET_ACCESS_KEY="not-the-secret-key-at-all")
        src = self.path("sig.bin")
        with open(src, "wb") as f:
            f.write(b"x")
        r = self.ss.run("cp", src, f"s3://{self.bucket}/sig.bin", env=env)
        self.assertEqual(r.returncode, 1, str(r))
        self.assertIn("SignatureDoesNotMatch", r.err())


if __name__ == "__main__":
    unittest.main()
