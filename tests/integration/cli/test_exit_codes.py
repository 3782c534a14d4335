"""shiftsync's exit codes, the same for every subcommand: 0 done, 1 failed, 2 usage or configuration
error (with a message on stderr), 130 interrupted. Only usage errors here, so no server is needed:
failures (1) are tested where a server can fail a call (test_cli.py, test_cli_localaws.py,
test_presign.py)."""
import os
import subprocess
import tempfile
import unittest

BIN = os.environ["SHIFTSYNC_BIN"]
# Each subcommand with its required arguments, so that the flag under test is the only problem.
SUBCOMMANDS = {"sign": ["--service", "s3", "--region", "us-east-1"], "query": ["select 1"], "discover": [],
               "cp": ["s3://bucket/key", "-"], "ls": ["s3://bucket"], "rm": ["s3://bucket/key"],
               "presign": ["s3://bucket/key"], "sweep": ["s3://bucket/prefix/"],
               "state": ["show"]}


class ExitCodes(unittest.TestCase):
    def setUp(self):
        self.home = tempfile.TemporaryDirectory(prefix="shiftsync-exit-")
        self.addCleanup(self.home.cleanup)
        # No region, no credentials, no ~/.aws: nothing may reach a network.
        self.env = {"PATH": os.environ.get("PATH", ""), "HOME": self.home.name, "AWS_EC2_METADATA_DISABLED": "true"}

    def shiftsync(self, *args, env=None, stdin=""):
        return subprocess.run([BIN, *args], env=env or self.env, input=stdin, capture_output=True, text=True,
                              timeout=60)

    def assert_usage_error(self, r, mentions):
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn(mentions, r.stderr)
        self.assertEqual(r.stdout, "")

    def test_unknown_flag_is_2_for_every_subcommand(self):
        for sub, required in SUBCOMMANDS.items():
            with self.subTest(sub):
                self.assert_usage_error(self.shiftsync(sub, *required, "--no-such-flag"), "--no-such-flag")

    def test_missing_required_argument_is_2(self):
        self.assert_usage_error(self.shiftsync("query"), "sql")
        self.assert_usage_error(self.shiftsync("cp", "s3://bucket/key"), "DST")
        self.assert_usage_error(self.shiftsync("presign"), "location")
        self.assert_usage_error(self.shiftsync("sign", "--region", "us-east-1"), "--service")

    def test_no_or_unknown_subcommand_is_2(self):
        r = self.shiftsync()
        self.assertEqual(r.returncode, 2)
        self.assertIn("subcommand", r.stderr)
        r = self.shiftsync("copy-everything")
        self.assertEqual(r.returncode, 2)
        self.assertIn("--help", r.stderr)  # CLI11 says "A subcommand is required", and where to look

    def test_bad_values_are_2(self):
        self.assert_usage_error(self.shiftsync("query", "select 1", "--format", "xml"), "xml")
        self.assert_usage_error(self.shiftsync("query", "select 1", "--timeout", "soon"), "soon")
        self.assert_usage_error(self.shiftsync("presign", "s3://b/k", "--expires", "0"), "--expires")
        self.assert_usage_error(self.shiftsync("presign", "s3://b/k", "--expires", "604801"), "--expires")
        self.assert_usage_error(self.shiftsync("presign", "s3://b/k", "--method", "DELETE"), "DELETE")
        self.assert_usage_error(self.shiftsync("sweep", "s3://b/p/", "--older-than", "soon"), "--older-than")

    def test_command_checks_of_their_own_are_2(self):
        self.assert_usage_error(self.shiftsync("presign", "https://b/k"), "s3://BUCKET/KEY")
        self.assert_usage_error(self.shiftsync("presign", "s3://just-a-bucket"), "s3://BUCKET/KEY")
        self.assert_usage_error(self.shiftsync("sweep", "https://b/p/"), "s3://BUCKET/PREFIX/")
        for command in (["presign", "s3://b/k"], ["ls", "s3://b"], ["query", "select 1"], ["sweep", "s3://b/p/"]):
            self.assert_usage_error(self.shiftsync(*command), "no region")
        env = dict(self.env, AWS_ACCESS_KEY_ID="AKIDEXAMPLE", AWS_SECRET_ACCESS_KEY="not-a-real-secret")
        request = "GET / HTTP/1.1\nHost: example.amazonaws.com\n\n"
        r = self.shiftsync("sign", "--service", "s3", "--region", "us-east-1", "--presign", "-5", env=env,
                           stdin=request)
        self.assert_usage_error(r, "--presign")
        r = self.shiftsync("sign", "--service", "s3", "--region", "us-east-1", env=env, stdin="not http")
        self.assert_usage_error(r, "not an HTTP request")

    def test_help_is_0(self):
        r = self.shiftsync("--help")
        self.assertEqual(r.returncode, 0, r.stderr)
        for sub in SUBCOMMANDS:
            self.assertIn(sub, r.stdout)
        for sub in SUBCOMMANDS:
            with self.subTest(sub):
                r = self.shiftsync(sub, "--help")
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertIn("--help", r.stdout)
                self.assertEqual(r.stderr, "")

    def test_version_is_0(self):
        r = self.shiftsync("--version")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stdout, r"^shiftsync \d+\.\d+\.\d+")


if __name__ == "__main__":
    unittest.main()
