"""shiftsync cp/ls/rm against moto_server with signature checks on (a server no one here wrote), byte-exact
against boto3 and the AWS CLI (interop_cases.py). Runs under tests/interop/moto/moto_fixture.py, which
starts moto, creates the IAM user whose keys every call (shiftsync's too) must sign with, and the bucket."""
import os
import shutil
import tempfile
import unittest

import boto3
from botocore.exceptions import ClientError

from interop_cases import ODD_KEYS, InteropCases
from transfer_fixture import REGION, Shiftsync, aws_cli


class InteropWithMoto(unittest.TestCase, InteropCases):
    # moto 5.2's signature check refuses boto3's and the AWS CLI's own requests for keys with '+', '=', '%',
    # non-ASCII and the like (SignatureDoesNotMatch: it signs the decoded path), so against moto only keys
    # with spaces; localaws takes the whole ODD_KEYS list.
    odd_keys = [k for k in ODD_KEYS if k.isascii() and all(c.isalnum() or c in " /.-" for c in k)]
    # The same check refuses any query parameter holding a '/': ListObjectsV2 with prefix "tree/" or
    # delimiter "/", from boto3 and the AWS CLI as well (test_moto_refuses_slashes_in_list_parameters
    # shows it, and fails once moto is fixed: then drop this and the two skips).
    lists_by_prefix = False
    MOTO_LISTING = "moto 5.2.1 refuses signed ListObjectsV2 with '/' in prefix or delimiter (boto3's too)"

    @unittest.skip(MOTO_LISTING)
    def test_ls_and_rm(self):
        pass

    @unittest.skip(MOTO_LISTING)
    def test_recursive_download_of_a_tree_the_aws_cli_uploaded(self):
        pass

    def test_moto_refuses_slashes_in_list_parameters(self):
        with self.assertRaises(ClientError) as caught:
            self.s3.list_objects_v2(Bucket=self.bucket, Prefix="tree/")
        self.assertEqual(caught.exception.response["Error"]["Code"], "SignatureDoesNotMatch")
        self.s3.list_objects_v2(Bucket=self.bucket, Prefix="tree")

    def test_ls_and_rm_without_slashes_in_the_listing(self):
        for key in ("lsrm-top.txt", "lsrm-dir/inner.txt", "keep.txt"):
            self.s3.put_object(Bucket=self.bucket, Key=key, Body=key.encode())
        r = self.ss.run("ls", f"s3://{self.bucket}", "--recursive")
        self.assertEqual(r.returncode, 0, str(r))
        for key in ("lsrm-top.txt", "lsrm-dir/inner.txt", "keep.txt"):
            self.assertIn(key, r.text())
        r = self.ss.run("rm", f"s3://{self.bucket}/lsrm-top.txt")
        self.assertEqual(r.returncode, 0, str(r))
        keys = {o["Key"] for o in self.s3.list_objects_v2(Bucket=self.bucket, Prefix="lsrm").get("Contents", [])}
        self.assertEqual(keys, {"lsrm-dir/inner.txt"})
    @classmethod
    def setUpClass(cls):
        cls.endpoint = os.environ["SHIFTSYNC_MOTO_URL"]
        cls.bucket = os.environ["SHIFTSYNC_S3_BUCKET"]
        cls.credentials = {"AccessKeyId": os.environ["SHIFTSYNC_MOTO_ACCESS_KEY_ID"],
                           "SecretAccessKey": os.environ["SHIFTSYNC_MOTO_SECRET_ACCESS_KEY"]}
        cls.tmp = tempfile.mkdtemp(prefix="shiftsync-cp-moto-")
        cls.addClassCleanup(shutil.rmtree, cls.tmp, True)
        cls.ss = Shiftsync(["--region", REGION, "--endpoint-url", cls.endpoint],
                           {"AWS_ACCESS_KEY_ID": cls.credentials["AccessKeyId"],
                            "AWS_SECRET_ACCESS_KEY": cls.credentials["SecretAccessKey"]})
        cls.addClassCleanup(cls.ss.cleanup)
        cls.s3 = boto3.client("s3", endpoint_url=cls.endpoint, region_name=REGION,
                              aws_access_key_id=cls.credentials["AccessKeyId"],
                              aws_secret_access_key=cls.credentials["SecretAccessKey"])

    def path(self, *parts):
        p = os.path.join(self.tmp, *parts)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        return p

    def cli(self, *args):
        return aws_cli(self.endpoint, self.credentials, *args)

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
